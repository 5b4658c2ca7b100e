using System.Collections.Concurrent;
using System.Diagnostics;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// Runs the workers' jobs and hands back finished ones in the order they finish, a failed job too
/// (<see cref="PolicyGradientWorker.Error"/>). A worker is idle from the moment its job is handed back until
/// the server starts it again, so the server may read its gradient in between.
/// </summary>
internal interface IWorkerPool : IDisposable
{
    /// <summary>Starts a job of idle worker <paramref name="worker"/> at <paramref name="point"/>, tagged <paramref name="tag"/>.</summary>
    void Start(int worker, ReadOnlySpan<double> point, int tag);

    /// <summary>Waits for the next finished job and returns its worker (now idle).</summary>
    PolicyGradientWorker Next();

    /// <summary>Seconds since the first job started, on the pool's clock.</summary>
    double Now { get; }
}

/// <summary>
/// The simulated clock: a job of worker i that took k environment steps lasts <c>k * stepSeconds[i]</c>.
/// Jobs run on the caller's thread when started and are handed back in order of finishing time (exactly equal
/// times: the lower worker index first; the times are sums of doubles, so 3 x 0.1 s ends after 0.3 s), so a run
/// is repeatable bit for bit.
/// </summary>
internal sealed class SimulatedWorkerPool(IReadOnlyList<PolicyGradientWorker> workers, double[] stepSeconds) : IWorkerPool
{
    private readonly PriorityQueue<int, (double Finish, int Worker)> _running = new();

    public double Now { get; private set; }

    public void Start(int worker, ReadOnlySpan<double> point, int tag)
    {
        var w = workers[worker];
        w.Prepare(point, tag);
        w.Run();
        w.StartTime = Now;
        _running.Enqueue(worker, (Now + w.Steps * stepSeconds[worker], worker));
    }

    public PolicyGradientWorker Next()
    {
        if (!_running.TryDequeue(out var worker, out var key))
            throw new InvalidOperationException("No worker is running.");
        Now = key.Finish;
        workers[worker].FinishTime = Now;
        return workers[worker];
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// The wall clock: every worker on a thread of its own, jobs handed back in the order they finish. The server
/// blocks on its own thread while it waits (no thread-pool thread is needed to wake it).
/// </summary>
internal sealed class ThreadedWorkerPool : IWorkerPool
{
    private readonly IReadOnlyList<PolicyGradientWorker> _workers;
    private readonly SemaphoreSlim[] _go;
    private readonly Thread[] _threads;
    private readonly BlockingCollection<int> _finished = [];
    private readonly Stopwatch _clock = new();
    private volatile bool _stopping;
    private int _running;

    public ThreadedWorkerPool(IReadOnlyList<PolicyGradientWorker> workers)
    {
        _workers = workers;
        _go = new SemaphoreSlim[workers.Count];
        _threads = new Thread[workers.Count];
        for (var i = 0; i < workers.Count; i++)
        {
            _go[i] = new SemaphoreSlim(0);
            var index = i;
            _threads[i] = new Thread(() => Work(index)) { IsBackground = true, Name = $"policy-gradient worker {i}" };
            _threads[i].Start();
        }
    }

    public double Now => _clock.Elapsed.TotalSeconds;

    public void Start(int worker, ReadOnlySpan<double> point, int tag)
    {
        if (!_clock.IsRunning) _clock.Start();
        _workers[worker].Prepare(point, tag);
        _workers[worker].StartTime = Now;
        _running++;
        _go[worker].Release();
    }

    public PolicyGradientWorker Next()
    {
        if (_running == 0) throw new InvalidOperationException("No worker is running.");
        var worker = _finished.Take();
        _running--;
        return _workers[worker];
    }

    private void Work(int index)
    {
        while (true)
        {
            _go[index].Wait();
            if (_stopping) return;
            _workers[index].Run();
            _workers[index].FinishTime = Now;
            _finished.Add(index);
        }
    }

    /// <summary>Lets the running jobs finish, then ends the threads.</summary>
    public void Dispose()
    {
        _stopping = true;
        foreach (var go in _go) go.Release();
        foreach (var thread in _threads) thread.Join();
        foreach (var go in _go) go.Dispose();
        _finished.Dispose();
    }
}
