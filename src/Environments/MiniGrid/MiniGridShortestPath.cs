namespace RLFramework.Environments.MiniGrid;

/// <summary>The outcome of one shortest-path search (<see cref="MiniGridShortestPath.Solve"/>).</summary>
/// <param name="Solved">Whether some action sequence ends in a positive reward before the step limit.</param>
/// <param name="Actions">A shortest such sequence (empty when unsolved).</param>
/// <param name="Reward">The reward the environment's own step gave for its last action (0 when unsolved).</param>
/// <param name="States">Distinct states the search stored (the start included).</param>
/// <param name="HitStateLimit">The search stopped at its state limit, so an unsolved episode may still have a solution.</param>
internal readonly record struct ShortestPathResult(bool Solved, int[] Actions, double Reward, int States, bool HitStateLimit)
{
    /// <summary>Number of actions of the shortest solution.</summary>
    public int Length => Actions.Length;
}

/// <summary>
/// Breadth-first search for the fewest actions that earn a positive reward, from the environment's
/// current state, with the environment itself as the transition model: each expansion restores a
/// state's snapshot (<see cref="MiniGridEnvironment.ReadSnapshot"/>) and takes one of the seven
/// actions with <see cref="MiniGridEnvironment.Step"/>, so the mission rules (GoToDoor's done,
/// RedBlueDoors' order, KeyCorridor's target, ...) and the reward are the environment's own. A state
/// is everything a step can change except the step counter (the snapshot bytes); the search visits
/// states in order of depth, so the first positive reward is reached by a shortest sequence. Steps
/// that end the episode without reward (lava, a wrong door, truncation) are dead ends. The search is
/// bounded by the step limit and by <see cref="MaxStates"/>. Buffers are kept between searches.
/// </summary>
internal sealed class MiniGridShortestPath
{
    private const int NoState = -1;

    private byte[] _arena = new byte[1 << 16];
    private int[] _parent = new int[1024];
    private byte[] _action = new byte[1024];
    private int[] _depth = new int[1024];
    private int[] _hash = new int[1024];
    private int[] _slots = new int[2048];
    private int _count;
    private int _size;

    /// <summary>Creates a search that stores at most <paramref name="maxStates"/> states.</summary>
    public MiniGridShortestPath(int maxStates = 1 << 22)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStates, 1);
        MaxStates = maxStates;
    }

    /// <summary>The most states one search stores before it gives up.</summary>
    public int MaxStates { get; }

    /// <summary>
    /// Searches from the environment's current state (after <c>Reset</c> or <c>SetState</c>, before
    /// the episode ended) and restores that state afterwards. The returned reward is exactly what
    /// <see cref="MiniGridEnvironment.Step"/> gives for the last action when the sequence is replayed.
    /// </summary>
    public ShortestPathResult Solve(MiniGridEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!environment.IsRunning)
        {
            throw new InvalidOperationException($"{environment.Id}: the search starts from a running episode; call Reset (or SetState) first.");
        }

        int startStep = environment.StepCount;
        _size = environment.SnapshotSize;
        _count = 0;
        Array.Fill(_slots, NoState);
        EnsureCapacity(1);
        environment.WriteSnapshot(Slot(0));
        Insert(NoState, 0, depth: 0);
        try
        {
            return Search(environment, startStep);
        }
        finally
        {
            environment.ReadSnapshot(Slot(0), startStep);
        }
    }

    private ShortestPathResult Search(MiniGridEnvironment environment, int startStep)
    {
        int maxSteps = environment.MaxSteps;
        for (int head = 0; head < _count; head++)
        {
            int depth = _depth[head];
            if (startStep + depth >= maxSteps)
            {
                break; // depths only grow from here: every later state is at the step limit as well
            }

            for (int action = 0; action < MiniGridEnvironment.ActionCount; action++)
            {
                environment.ReadSnapshot(Slot(head), startStep + depth);
                StepResult<MiniGridObservation> step = environment.Step(action);
                if (step.Reward > 0.0)
                {
                    return new ShortestPathResult(true, Path(head, action), step.Reward, _count, HitStateLimit: false);
                }

                if (step.Terminated || step.Truncated)
                {
                    continue;
                }

                if (_count == MaxStates)
                {
                    return new ShortestPathResult(false, [], 0.0, _count, HitStateLimit: true);
                }

                EnsureCapacity(_count + 1);
                environment.WriteSnapshot(Slot(_count));
                Insert(head, action, depth + 1);
            }
        }

        return new ShortestPathResult(false, [], 0.0, _count, HitStateLimit: false);
    }

    private Span<byte> Slot(int state) => _arena.AsSpan(state * _size, _size);

    /// <summary>Keeps the state just written at slot <see cref="_count"/> when it is new.</summary>
    private void Insert(int parent, int action, int depth)
    {
        ReadOnlySpan<byte> key = Slot(_count);
        var hasher = default(HashCode);
        hasher.AddBytes(key);
        int hash = hasher.ToHashCode();
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        while (_slots[slot] != NoState)
        {
            int other = _slots[slot];
            if (_hash[other] == hash && key.SequenceEqual(Slot(other)))
            {
                return;
            }

            slot = (slot + 1) & mask;
        }

        _slots[slot] = _count;
        _parent[_count] = parent;
        _action[_count] = (byte)action;
        _depth[_count] = depth;
        _hash[_count] = hash;
        _count++;
        if (2 * _count > _slots.Length)
        {
            Rehash();
        }
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        Array.Fill(_slots, NoState);
        int mask = _slots.Length - 1;
        for (int state = 0; state < _count; state++)
        {
            int slot = _hash[state] & mask;
            while (_slots[slot] != NoState)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = state;
        }
    }

    private void EnsureCapacity(int states)
    {
        if ((long)states * _size > _arena.Length)
        {
            Array.Resize(ref _arena, checked((int)Math.Max((long)states * _size, 2L * _arena.Length)));
        }

        if (states > _parent.Length)
        {
            int length = Math.Max(states, 2 * _parent.Length);
            Array.Resize(ref _parent, length);
            Array.Resize(ref _action, length);
            Array.Resize(ref _depth, length);
            Array.Resize(ref _hash, length);
        }
    }

    /// <summary>The actions from the start to <paramref name="state"/>, then <paramref name="last"/>.</summary>
    private int[] Path(int state, int last)
    {
        var actions = new int[_depth[state] + 1];
        actions[^1] = last;
        for (int i = actions.Length - 2; state > 0; i--, state = _parent[state])
        {
            actions[i] = _action[state];
        }

        return actions;
    }
}
