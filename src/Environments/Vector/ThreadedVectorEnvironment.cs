using System.Runtime.ExceptionServices;

namespace RLFramework.Environments.Vector;

/// <summary>
/// Steps its sub-environments on worker threads, each owning a contiguous block of environments; the
/// calling thread runs the first block itself. Synchronisation objects are created once and reused,
/// so a step allocates nothing. Results equal <see cref="SyncVectorEnvironment"/>'s bit for bit.
/// </summary>
public sealed class ThreadedVectorEnvironment : VectorEnvironmentBase
{
    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly CountdownEvent _done;
    private readonly int[] _blockStart;
    private readonly ExceptionDispatchInfo?[] _errors;
    private volatile bool _isReset;
    private volatile bool _stopping;

    /// <summary>
    /// Takes ownership of <paramref name="environments"/>, stepped by <paramref name="numThreads"/>
    /// threads in total (the caller's included; default: processor count, at most one per environment).
    /// </summary>
    public ThreadedVectorEnvironment(IReadOnlyList<IEnvironment> environments, AutoresetMode autoresetMode = AutoresetMode.NextStep, int? numThreads = null)
        : base(environments, autoresetMode)
    {
        int threads = numThreads ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(numThreads));
        threads = Math.Min(threads, NumEnvs);
        NumThreads = threads;
        _blockStart = new int[threads + 1];
        for (int w = 0; w <= threads; w++)
        {
            _blockStart[w] = (int)((long)w * NumEnvs / threads);
        }

        _errors = new ExceptionDispatchInfo?[threads];
        _start = new ManualResetEventSlim[threads];
        _threads = new Thread[threads];
        _done = new CountdownEvent(1);

        // The event allocates its lock object the first time a wait has to block: make that happen
        // here (a 1 ms wait on the unset event) rather than in some later Step, which must not allocate.
        _done.Wait(1);
        for (int w = 1; w < threads; w++)
        {
            _start[w] = new ManualResetEventSlim(false, spinCount: 200);
            int worker = w;
            _threads[w] = new Thread(() => WorkerLoop(worker))
            {
                IsBackground = true,
                Name = $"vector-env-{w}",
            };
            _threads[w].Start();
        }
    }

    /// <summary>Threads that step environments (the caller's included).</summary>
    public int NumThreads { get; }

    /// <inheritdoc/>
    protected override void Run(bool isReset)
    {
        _isReset = isReset;
        int workers = NumThreads - 1;
        if (workers > 0)
        {
            _done.Reset(workers);
            for (int w = 1; w < NumThreads; w++)
            {
                _start[w].Set();
            }
        }

        try
        {
            Process(isReset, _blockStart[0], _blockStart[1]);
        }
        catch (Exception e) when (workers > 0)
        {
            _errors[0] = ExceptionDispatchInfo.Capture(e);
        }

        if (workers > 0)
        {
            _done.Wait();
        }

        for (int w = 0; w < NumThreads; w++)
        {
            if (_errors[w] is { } error)
            {
                Array.Clear(_errors);
                error.Throw();
            }
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_stopping)
        {
            _stopping = true;
            for (int w = 1; w < NumThreads; w++)
            {
                _start[w].Set();
            }

            for (int w = 1; w < NumThreads; w++)
            {
                _threads[w].Join();
                _start[w].Dispose();
            }

            _done.Dispose();
        }

        base.Dispose(disposing);
    }

    private void WorkerLoop(int worker)
    {
        var start = _start[worker];
        while (true)
        {
            start.Wait();
            start.Reset();
            if (_stopping)
            {
                return;
            }

            try
            {
                Process(_isReset, _blockStart[worker], _blockStart[worker + 1]);
            }
#pragma warning disable CA1031 // Any failure of a sub-environment is rethrown on the calling thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _errors[worker] = ExceptionDispatchInfo.Capture(e);
            }

            _done.Signal();
        }
    }
}
