using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace RLFramework.Boosting.Threading;

/// <summary>Work made of independent items (the features of a batch), each run on one worker.</summary>
internal interface IItemWork
{
    /// <summary>Runs item <paramref name="item"/>; <paramref name="worker"/> (0 = the calling thread) picks the worker's own scratch.</summary>
    void Run(int item, int worker);
}

/// <summary>
/// Runs the items of an <see cref="IItemWork"/> on the calling thread and <see cref="Workers"/> - 1 helper threads
/// of its own, every participant claiming the next unclaimed item. Items write disjoint outputs, so the result does
/// not depend on which thread ran which item (fits stay bit-for-bit deterministic).
/// <list type="bullet">
/// <item>The caller never waits for a helper that has not joined: it claims whatever is left itself (on a busy or
/// oversubscribed machine the work simply runs on the calling thread). Before returning it waits for the helpers
/// that have joined, so no helper touches the work or a worker's scratch afterwards.</item>
/// <item>A helper spins for <see cref="SpinMicroseconds"/> after a run (a tree fit is a handful of runs a few
/// microseconds apart), then sleeps on its own semaphore, which the next run releases; after
/// <see cref="IdleMilliseconds"/> without work its thread ends, and the next run starts a new one.
/// <see cref="Dispose"/> ends the helpers at once.</item>
/// <item>An exception thrown by an item is rethrown on the calling thread (the lowest item's when several throw).</item>
/// </list>
/// </summary>
internal sealed class ItemRunner : IDisposable
{
    /// <summary>
    /// Sample-features (samples x features) below which a learner step runs on the calling thread: handing a run
    /// over costs about a microsecond, about what 500 histogram additions cost, and a step needs several items per worker.
    /// </summary>
    public const int MinimumParallelWork = 2048;

    /// <summary>How long a helper spins for the next run before it blocks.</summary>
    public const int SpinMicroseconds = 200;

    /// <summary>How long a blocked helper waits for work before its thread ends.</summary>
    public const int IdleMilliseconds = 2000;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private readonly int[] _alive;
    private readonly int[] _sleeping;
    private readonly SemaphoreSlim[] _wake;
    private readonly Lock _errorLock = new();
    private long _generation;
    private IItemWork? _work;
    private int _count;
    private int _next;
    private int _open;
    private int _inside;
    private int _workerIds;
    private int _errorItem;
    private Exception? _error;
    private volatile bool _disposed;

    /// <summary>A runner for <paramref name="workers"/> participants (the caller included); 1 runs everything on the caller.</summary>
    public ItemRunner(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Workers = workers;
        _alive = new int[workers - 1];
        _sleeping = new int[workers - 1];
        _wake = new SemaphoreSlim[workers - 1];
        for (var h = 0; h < _wake.Length; h++)
            _wake[h] = new SemaphoreSlim(0);
    }

    /// <summary>Number of participants, the calling thread included (worker indices 0 .. Workers - 1).</summary>
    public int Workers { get; }

    /// <summary>Runs items 0 .. <paramref name="count"/> - 1, in parallel when <paramref name="parallel"/> and there are helpers.</summary>
    public void Run(IItemWork work, int count, bool parallel = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!parallel || Workers == 1 || count < 2)
        {
            for (var i = 0; i < count; i++)
                work.Run(i, 0);
            return;
        }
        _work = work;
        _count = count;
        _next = 0;
        _workerIds = 0;
        _errorItem = int.MaxValue;
        _error = null;
        Interlocked.Exchange(ref _open, 1); // full fence: a helper that sees the runner open sees the work
        Interlocked.Increment(ref _generation);
        StartMissingHelpers();
        WakeSleepingHelpers();
        Drain(0);
        Interlocked.Exchange(ref _open, 0);
        var spin = new SpinWait();
        while (Volatile.Read(ref _inside) != 0)
            spin.SpinOnce(sleep1Threshold: -1); // never Sleep(1): a joined helper finishes within one item
        _work = null;
        if (_error is { } error)
            ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>Ends the helper threads (their semaphores are left to the GC: a helper may still be leaving one).</summary>
    public void Dispose()
    {
        _disposed = true;
        WakeSleepingHelpers();
    }

    /// <summary>
    /// Releases every helper that has gone to sleep. A sleeping helper's flag is taken by exactly one side: by the
    /// caller here (which then releases its semaphore, a wake-up that persists until the helper takes it) or by the
    /// helper cancelling its own sleep, so no wake-up is lost and none is left over.
    /// </summary>
    private void WakeSleepingHelpers()
    {
        for (var h = 0; h < _sleeping.Length; h++)
        {
            if (Interlocked.Exchange(ref _sleeping[h], 0) == 1)
                _wake[h].Release();
        }
    }

    private void StartMissingHelpers()
    {
        for (var h = 0; h < _alive.Length; h++)
        {
            if (Volatile.Read(ref _alive[h]) == 1)
                continue;
            _alive[h] = 1;
            var thread = new Thread(HelperLoop) { IsBackground = true, Name = "GBRL fit helper" };
            thread.Start(h);
        }
    }

    private void HelperLoop(object? slot)
    {
        var h = (int)slot!;
        var seen = 0L; // joins the run that started it
        while (!_disposed)
        {
            if (!AwaitRun(h, ref seen))
            {
                // Idle: end the thread, unless a run started meanwhile (then the slot may briefly have two threads: harmless).
                Interlocked.Exchange(ref _alive[h], 0);
                if (Volatile.Read(ref _generation) == seen || _disposed)
                    return;
                Interlocked.Exchange(ref _alive[h], 1);
                continue;
            }
            Interlocked.Increment(ref _inside);
            if (Volatile.Read(ref _open) == 1)
            {
                var worker = Interlocked.Increment(ref _workerIds);
                if (worker < Workers)
                    Drain(worker);
            }
            Interlocked.Decrement(ref _inside);
        }
    }

    /// <summary>Waits for a run newer than <paramref name="seen"/>: spins, then sleeps; false after the idle time.</summary>
    private bool AwaitRun(int h, ref long seen)
    {
        var start = Stopwatch.GetTimestamp();
        var spins = 0;
        while (!_disposed)
        {
            var generation = Volatile.Read(ref _generation);
            if (generation != seen)
            {
                seen = generation;
                return true;
            }
            // Tight spin (one pause per check, the clock read every 256 checks): a run's first items are claimed
            // within microseconds, so a helper that joins late gets none of them.
            if ((++spins & 255) != 0 || Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(1);
                continue;
            }
            // Sleep: raise the flag, then look once more (a run may have started before the caller could see the flag).
            Interlocked.Exchange(ref _sleeping[h], 1);
            if (Volatile.Read(ref _generation) != seen || _disposed)
            {
                if (Interlocked.Exchange(ref _sleeping[h], 0) == 1)
                    continue; // the sleep is cancelled: nobody will release the semaphore
                _wake[h].Wait(); // the caller took the flag and releases the semaphore: take that release
                continue;
            }
            if (!_wake[h].Wait(IdleMilliseconds))
            {
                if (Interlocked.Exchange(ref _sleeping[h], 0) == 1)
                    return false; // idle
                _wake[h].Wait(); // a run took the flag just now: take its release
            }
            start = Stopwatch.GetTimestamp();
            spins = 0;
        }
        return false;
    }

    private void Drain(int worker)
    {
        int item;
        while ((item = Interlocked.Increment(ref _next) - 1) < _count)
        {
            try
            {
                _work!.Run(item, worker);
            }
            catch (Exception e)
            {
                lock (_errorLock)
                {
                    if (item < _errorItem)
                    {
                        _errorItem = item;
                        _error = e;
                    }
                }
            }
        }
    }
}
