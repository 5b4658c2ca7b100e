using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Logging;

namespace RLFramework.Agents.Callbacks;

/// <summary>What a callback sees when training starts.</summary>
/// <param name="Agent">The agent being trained.</param>
/// <param name="TotalTimesteps">The step count training runs to.</param>
public sealed record TrainingStartContext(ActorCriticAgent Agent, long TotalTimesteps);

/// <summary>What a callback sees after each training iteration (one rollout and its update).</summary>
public sealed class IterationContext
{
    private readonly List<Metric> _metrics;

    internal IterationContext(ActorCriticAgent agent, long totalTimesteps, int iteration, TimeSpan elapsed, List<Metric> metrics)
    {
        Agent = agent;
        TotalTimesteps = totalTimesteps;
        Iteration = iteration;
        Elapsed = elapsed;
        _metrics = metrics;
    }

    /// <summary>The agent being trained.</summary>
    public ActorCriticAgent Agent { get; }

    /// <summary>Environment steps so far.</summary>
    public long Timesteps => Agent.NumTimesteps;

    /// <summary>The step count training runs to.</summary>
    public long TotalTimesteps { get; }

    /// <summary>Iteration number, from 1.</summary>
    public int Iteration { get; }

    /// <summary>Wall time since training started.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Mean return of the last 100 training episodes (NaN before the first one ends).</summary>
    public double MeanReturn => Agent.Episodes.MeanReturn();

    /// <summary>Trees in the policy.</summary>
    public int Trees => Agent.TreeCount;

    /// <summary>The metrics of this iteration so far.</summary>
    public IReadOnlyList<Metric> Metrics => _metrics;

    /// <summary>Adds a metric to this iteration's record (written to the sinks after the callbacks ran).</summary>
    public void Report(string key, double value) => _metrics.Add(new Metric(key, value));
}

/// <summary>What a callback sees when training ends.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Stopped">True when a callback stopped training early.</param>
public sealed record TrainingEndContext(ActorCriticAgent Agent, bool Stopped);

/// <summary>Hooks into training (Stable-Baselines3's BaseCallback): override what you need.</summary>
public abstract class TrainingCallback
{
    /// <summary>Called once before the first rollout.</summary>
    public virtual void OnTrainingStart(TrainingStartContext context)
    {
    }

    /// <summary>Called after every iteration; return false to stop training.</summary>
    public virtual bool OnIterationEnd(IterationContext context) => true;

    /// <summary>Called once when training ends.</summary>
    public virtual void OnTrainingEnd(TrainingEndContext context)
    {
    }
}
