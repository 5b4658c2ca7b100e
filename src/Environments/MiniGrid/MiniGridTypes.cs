using System.Runtime.InteropServices;

namespace RLFramework.Environments.MiniGrid;

/// <summary>MiniGrid's object codes (OBJECT_TO_IDX), channel 0 of the observation image.</summary>
public enum MiniGridObjectType : byte
{
    /// <summary>A view cell hidden from the agent (never stored in the world).</summary>
    Unseen = 0,

    /// <summary>An empty cell.</summary>
    Empty = 1,

    /// <summary>A wall: blocks movement and sight.</summary>
    Wall = 2,

    /// <summary>A floor tile: can be walked on.</summary>
    Floor = 3,

    /// <summary>A door: open, closed or locked (state channel).</summary>
    Door = 4,

    /// <summary>A key: can be picked up; opens the locked door of its colour.</summary>
    Key = 5,

    /// <summary>A ball: can be picked up.</summary>
    Ball = 6,

    /// <summary>A box: can be picked up; toggling it removes it (these environments put nothing inside).</summary>
    Box = 7,

    /// <summary>The goal: walking onto it ends the episode with success.</summary>
    Goal = 8,

    /// <summary>Lava: walking onto it ends the episode with reward 0.</summary>
    Lava = 9,

    /// <summary>The agent (fully observable encoding only; never stored in the world).</summary>
    Agent = 10,
}

/// <summary>MiniGrid's colour codes (COLOR_TO_IDX), channel 1 of the observation image.</summary>
public enum MiniGridColor : byte
{
    /// <summary>Red.</summary>
    Red = 0,

    /// <summary>Green.</summary>
    Green = 1,

    /// <summary>Blue.</summary>
    Blue = 2,

    /// <summary>Purple.</summary>
    Purple = 3,

    /// <summary>Yellow.</summary>
    Yellow = 4,

    /// <summary>Grey.</summary>
    Grey = 5,
}

/// <summary>The seven MiniGrid actions.</summary>
public enum MiniGridAction
{
    /// <summary>Turn left: direction (d + 3) % 4.</summary>
    Left = 0,

    /// <summary>Turn right: direction (d + 1) % 4.</summary>
    Right = 1,

    /// <summary>Move forward onto an empty or overlappable cell.</summary>
    Forward = 2,

    /// <summary>Pick up the key, ball or box in front (only when carrying nothing).</summary>
    Pickup = 3,

    /// <summary>Drop the carried object onto the empty cell in front.</summary>
    Drop = 4,

    /// <summary>Toggle the object in front (open/close/unlock a door, remove a box).</summary>
    Toggle = 5,

    /// <summary>Declare the task done (used by GoToDoor).</summary>
    Done = 6,
}

/// <summary>A cell position in the world: x is the column, y the row (growing south).</summary>
public readonly record struct GridPosition(int X, int Y);

/// <summary>
/// One world cell in MiniGrid's (object, colour, state) encoding: exactly the three bytes an
/// observation image holds per cell. State is the door state (0 open, 1 closed, 2 locked) and 0
/// for every other object.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct WorldCell(MiniGridObjectType Type, MiniGridColor Color, byte State)
{
    /// <summary>Door state code: open.</summary>
    public const byte Open = 0;

    /// <summary>Door state code: closed.</summary>
    public const byte Closed = 1;

    /// <summary>Door state code: locked.</summary>
    public const byte Locked = 2;

    /// <summary>An empty cell, encoded (1, 0, 0).</summary>
    public static WorldCell Empty => new(MiniGridObjectType.Empty, MiniGridColor.Red, 0);

    /// <summary>A grey wall, encoded (2, 5, 0); also what cells outside the grid look like.</summary>
    public static WorldCell Wall => new(MiniGridObjectType.Wall, MiniGridColor.Grey, 0);

    /// <summary>The green goal, encoded (8, 1, 0).</summary>
    public static WorldCell Goal => new(MiniGridObjectType.Goal, MiniGridColor.Green, 0);

    /// <summary>Red lava, encoded (9, 0, 0).</summary>
    public static WorldCell Lava => new(MiniGridObjectType.Lava, MiniGridColor.Red, 0);

    /// <summary>A door of <paramref name="color"/> in <paramref name="state"/> (open, closed or locked).</summary>
    public static WorldCell Door(MiniGridColor color, byte state) => new(MiniGridObjectType.Door, color, state);

    /// <summary>A key, ball or box of <paramref name="color"/>.</summary>
    public static WorldCell Object(MiniGridObjectType type, MiniGridColor color) => new(type, color, 0);

    /// <summary>True for an empty cell.</summary>
    public bool IsEmpty => Type == MiniGridObjectType.Empty;

    /// <summary>Walls and closed or locked doors block sight (MiniGrid's see_behind is false).</summary>
    internal bool BlocksSight => Type == MiniGridObjectType.Wall || (Type == MiniGridObjectType.Door && State != Open);

    /// <summary>Whether the agent can stand on this cell: empty, floor, goal, lava or an open door.</summary>
    internal bool CanOverlap => Type switch
    {
        MiniGridObjectType.Empty or MiniGridObjectType.Floor or MiniGridObjectType.Goal or MiniGridObjectType.Lava => true,
        MiniGridObjectType.Door => State == Open,
        _ => false,
    };

    /// <summary>Keys, balls and boxes can be picked up.</summary>
    internal bool CanPickup => Type is MiniGridObjectType.Key or MiniGridObjectType.Ball or MiniGridObjectType.Box;

    /// <summary>The observation code of this cell when it is one categorical feature: type * 18 + colour * 3 + state (0..197).</summary>
    public int CategoricalCode => ((int)Type * 18) + ((int)Color * 3) + State;

    /// <summary>Number of distinct <see cref="CategoricalCode"/> values (11 objects x 6 colours x 3 states).</summary>
    public const int CategoricalCardinality = 11 * 6 * 3;

    /// <summary>
    /// Decodes an (object, colour, state) triple of a world cell, throwing an <see cref="ArgumentException"/>
    /// that names <paramref name="where"/> and the bad code when it is not a valid world object.
    /// </summary>
    public static WorldCell Decode(int type, int color, int state, string where)
    {
        if (type is < (int)MiniGridObjectType.Empty or > (int)MiniGridObjectType.Lava)
        {
            string why = type switch
            {
                (int)MiniGridObjectType.Unseen => "0 (unseen) is an observation code, not a world object",
                (int)MiniGridObjectType.Agent => "10 (agent) is not stored in the world; give agent_pos instead",
                _ => $"{type} is not a MiniGrid object code (valid: 1 empty .. 9 lava)",
            };
            throw new ArgumentException($"Unknown object code at {where}: {why}.");
        }

        if (color is < 0 or > (int)MiniGridColor.Grey)
        {
            throw new ArgumentException($"Unknown colour code {color} at {where} (valid: 0 red .. 5 grey).");
        }

        if (type == (int)MiniGridObjectType.Door)
        {
            if (state is < Open or > Locked)
            {
                throw new ArgumentException($"Unknown door state {state} at {where} (valid: 0 open, 1 closed, 2 locked).");
            }
        }
        else if (state != 0)
        {
            throw new ArgumentException($"Object code {type} at {where} has state {state}; only doors have a state.");
        }

        if (type == (int)MiniGridObjectType.Empty && color != 0)
        {
            throw new ArgumentException($"Empty cell at {where} has colour {color}; empty cells are encoded (1, 0, 0).");
        }

        return new WorldCell((MiniGridObjectType)type, (MiniGridColor)color, (byte)state);
    }
}
