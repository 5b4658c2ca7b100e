using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// The policy-gradient methods that follow a recursive direction d_t (<see cref="NPgIgt"/>, <see cref="Harpg"/>,
/// <see cref="NHarpg"/>): each iteration computes d_t from d_{t-1} (<see cref="Direction"/>) into
/// <see cref="NextDirection"/>, and d_t becomes d_{t-1} only once the step was accepted, so a diverged step
/// leaves the state as it was.
/// </summary>
public abstract class MomentumPolicyGradient : PolicyGradientAlgorithm
{
    private readonly double[] _direction;
    private readonly double[] _nextDirection;

    private protected MomentumPolicyGradient(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
        : base(policy, environment, options)
    {
        _direction = new double[policy.ParameterCount];
        _nextDirection = new double[policy.ParameterCount];
    }

    /// <summary>d_{t-1}, the direction of the last accepted step.</summary>
    private protected ReadOnlySpan<double> Direction => _direction;

    /// <summary>d_t, written by the iteration and kept once its step is accepted.</summary>
    private protected Span<double> NextDirection => _nextDirection;

    private protected sealed override void Commit() => _nextDirection.CopyTo(_direction, 0);
}
