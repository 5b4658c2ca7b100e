using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// Rolls the policy out in the environment: whole trajectories, each cut at the horizon H or at
/// the end of the episode, until the batch holds at least the requested number of steps.
/// </summary>
internal sealed class TrajectorySampler
{
    private readonly PolicyGradientEnvironment _environment;
    private readonly IParametricPolicy _policy;
    private readonly Random _random;
    private readonly int _horizon;
    private readonly double[] _observation;
    private readonly double[] _nextObservation;
    private readonly double[] _action;
    private int? _nextSeed;

    public TrajectorySampler(PolicyGradientEnvironment environment, IParametricPolicy policy, Random random, int horizon, int seed)
    {
        _environment = environment;
        _policy = policy;
        _random = random;
        _horizon = horizon;
        _observation = new double[environment.ObservationSize];
        _nextObservation = new double[environment.ObservationSize];
        _action = new double[environment.ActionSize];
        _nextSeed = seed;
    }

    /// <summary>Clears <paramref name="batch"/> and fills it with trajectories of the policy at <paramref name="parameters"/>; returns the steps taken.</summary>
    public int Collect(ReadOnlySpan<double> parameters, int minimumSteps, TrajectoryBatch batch)
    {
        batch.Clear();
        do
        {
            // The first episode seeds the environment; the later ones continue its random stream.
            _environment.Reset(_nextSeed, _observation);
            _nextSeed = null;
            for (var t = 0; t < _horizon; t++)
            {
                _policy.Sample(parameters, _observation, _random, _action);
                var (reward, done) = _environment.Step(_action, _nextObservation);
                batch.Add(_observation, _action, reward);
                if (done) break;
                _nextObservation.CopyTo(_observation, 0);
            }
            batch.EndTrajectory();
        }
        while (batch.StepCount < minimumSteps);
        return batch.StepCount;
    }
}
