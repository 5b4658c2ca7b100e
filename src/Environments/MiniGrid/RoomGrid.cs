namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid's RoomGrid layout: num_rows x num_cols square rooms of side room_size sharing walls,
/// with one candidate door cell per shared wall, doors added on demand and connect_all to make
/// every room reachable. Sides are numbered 0 right, 1 down, 2 left, 3 up.
/// </summary>
internal sealed class RoomGrid
{
    private readonly LayoutBuilder _layout;
    private readonly int _roomSize;
    private readonly int _rows;
    private readonly int _columns;
    private readonly Room[] _rooms;

    public RoomGrid(LayoutBuilder layout, int roomSize, int rows, int columns)
    {
        _layout = layout;
        _roomSize = roomSize;
        _rows = rows;
        _columns = columns;
        _rooms = new Room[rows * columns];
    }

    public static int GridWidth(int roomSize, int columns) => ((roomSize - 1) * columns) + 1;

    public static int GridHeight(int roomSize, int rows) => ((roomSize - 1) * rows) + 1;

    /// <summary>RoomGrid._gen_grid: walls of every room, door candidates, agent in the middle facing east.</summary>
    public void Generate()
    {
        _layout.Begin(GridWidth(_roomSize, _columns), GridHeight(_roomSize, _rows));
        for (int j = 0; j < _rows; j++)
        {
            for (int i = 0; i < _columns; i++)
            {
                var room = new Room(i * (_roomSize - 1), j * (_roomSize - 1), _roomSize);
                _rooms[(j * _columns) + i] = room;
                _layout.WallRect(room.X, room.Y, _roomSize, _roomSize);
            }
        }

        MiniGridRandom random = _layout.Random;
        for (int j = 0; j < _rows; j++)
        {
            for (int i = 0; i < _columns; i++)
            {
                Room room = Get(i, j);
                int xLow = room.X + 1;
                int yLow = room.Y + 1;
                int xHigh = room.X + _roomSize - 1;
                int yHigh = room.Y + _roomSize - 1;
                if (i < _columns - 1)
                {
                    room.Neighbors[0] = Get(i + 1, j);
                    room.DoorPositions[0] = new GridPosition(xHigh, random.Next(yLow, yHigh));
                }

                if (j < _rows - 1)
                {
                    room.Neighbors[1] = Get(i, j + 1);
                    room.DoorPositions[1] = new GridPosition(random.Next(xLow, xHigh), yHigh);
                }

                if (i > 0)
                {
                    room.Neighbors[2] = Get(i - 1, j);
                    room.DoorPositions[2] = room.Neighbors[2]!.DoorPositions[0];
                }

                if (j > 0)
                {
                    room.Neighbors[3] = Get(i, j - 1);
                    room.DoorPositions[3] = room.Neighbors[3]!.DoorPositions[1];
                }
            }
        }

        int agentX = ((_columns / 2) * (_roomSize - 1)) + (_roomSize / 2);
        int agentY = ((_rows / 2) * (_roomSize - 1)) + (_roomSize / 2);
        _layout.SetAgent(agentX, agentY, 0);
    }

    /// <summary>RoomGrid.add_door: a door on side <paramref name="side"/> of room (i, j); random colour when none is given.</summary>
    public (WorldCell Door, GridPosition Position) AddDoor(int i, int j, int side, MiniGridColor? color, bool locked)
    {
        Room room = Get(i, j);
        if (room.HasDoor[side] || room.Neighbors[side] is null)
        {
            throw new InvalidOperationException($"RoomGrid: room ({i}, {j}) cannot take a door on side {side}.");
        }

        MiniGridColor doorColor = color ?? _layout.Random.NextColor();
        room.Locked = locked;
        var door = WorldCell.Door(doorColor, locked ? WorldCell.Locked : WorldCell.Closed);
        GridPosition position = room.DoorPositions[side]!.Value;
        _layout.Put(position.X, position.Y, door);
        room.HasDoor[side] = true;
        room.Neighbors[side]!.HasDoor[(side + 2) % 4] = true;
        return (door, position);
    }

    /// <summary>RoomGrid.remove_wall: opens the whole wall on side <paramref name="side"/> of room (i, j).</summary>
    public void RemoveWall(int i, int j, int side)
    {
        Room room = Get(i, j);
        int s = _roomSize;
        for (int k = 1; k < s - 1; k++)
        {
            (int x, int y) = side switch
            {
                0 => (room.X + s - 1, room.Y + k),
                1 => (room.X + k, room.Y + s - 1),
                2 => (room.X, room.Y + k),
                _ => (room.X + k, room.Y),
            };
            _layout.Put(x, y, WorldCell.Empty);
        }

        room.HasDoor[side] = true;
        room.Neighbors[side]!.HasDoor[(side + 2) % 4] = true;
    }

    /// <summary>RoomGrid.add_object: a key, ball or box in room (i, j), not next to the agent.</summary>
    public (WorldCell Object, GridPosition Position) AddObject(int i, int j, MiniGridObjectType type, MiniGridColor? color)
    {
        Room room = Get(i, j);
        var cell = WorldCell.Object(type, color ?? _layout.Random.NextColor());
        GridPosition position = _layout.PlaceObject(cell, room.X, room.Y, _roomSize, _roomSize, Rejection.NextToAgent);
        return (cell, position);
    }

    /// <summary>RoomGrid.place_agent: a random cell and direction in room (i, j) whose front cell is empty or a wall.</summary>
    public void PlaceAgent(int i, int j)
    {
        Room room = Get(i, j);
        MiniGridWorld world = _layout.World;
        for (int tries = 0; tries < 10_000; tries++)
        {
            _layout.PlaceAgent(room.X, room.Y, _roomSize, _roomSize);
            WorldCell front = world[world.FrontIndex];
            if (front.IsEmpty || front.Type == MiniGridObjectType.Wall)
            {
                return;
            }
        }

        throw new InvalidOperationException($"RoomGrid: no agent placement in room ({i}, {j}) faces an empty cell or a wall.");
    }

    /// <summary>RoomGrid.connect_all: adds unlocked doors at random until every room is reachable from the agent's room.</summary>
    public void ConnectAll()
    {
        MiniGridRandom random = _layout.Random;
        GridPosition agent = _layout.World.AgentPosition;
        Room start = Get(Math.Min(agent.X / (_roomSize - 1), _columns - 1), Math.Min(agent.Y / (_roomSize - 1), _rows - 1));
        for (int iteration = 0; iteration <= 5000; iteration++)
        {
            if (CountReachable(start) == _rooms.Length)
            {
                return;
            }

            int i = random.Next(0, _columns);
            int j = random.Next(0, _rows);
            int side = random.Next(0, 4);
            Room room = Get(i, j);
            if (room.DoorPositions[side] is null || room.HasDoor[side])
            {
                continue;
            }

            if (room.Locked || room.Neighbors[side]!.Locked)
            {
                continue;
            }

            MiniGridColor color = random.NextColor();
            AddDoor(i, j, side, color, locked: false);
        }

        throw new InvalidOperationException("RoomGrid: connect_all failed to connect every room.");
    }

    private int CountReachable(Room start)
    {
        Span<bool> reached = stackalloc bool[_rooms.Length];
        reached.Clear();
        Span<int> stack = stackalloc int[_rooms.Length * 4];
        int top = 0;
        stack[top++] = Array.IndexOf(_rooms, start);
        int count = 0;
        while (top > 0)
        {
            int r = stack[--top];
            if (reached[r])
            {
                continue;
            }

            reached[r] = true;
            count++;
            Room room = _rooms[r];
            for (int side = 0; side < 4; side++)
            {
                if (room.HasDoor[side] && top < stack.Length)
                {
                    stack[top++] = Array.IndexOf(_rooms, room.Neighbors[side]);
                }
            }
        }

        return count;
    }

    private Room Get(int i, int j) => _rooms[(j * _columns) + i];

    private sealed class Room(int x, int y, int size)
    {
        public int X { get; } = x;

        public int Y { get; } = y;

        public int Size { get; } = size;

        public bool Locked { get; set; }

        public Room?[] Neighbors { get; } = new Room?[4];

        public GridPosition?[] DoorPositions { get; } = new GridPosition?[4];

        public bool[] HasDoor { get; } = new bool[4];
    }
}
