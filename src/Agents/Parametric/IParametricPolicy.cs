namespace RLFramework.Agents.Parametric;

/// <summary>
/// A stochastic policy <c>pi_theta(a|s)</c> with parameters <c>theta</c> in one flat vector the
/// caller owns, and exact first and second derivatives of <c>log pi</c>. Actions are spans of
/// doubles: one element holding the index for a discrete policy, the action vector for a
/// continuous one. Implementations keep preallocated workspaces: no method allocates, and an
/// instance is not thread-safe.
/// </summary>
public interface IParametricPolicy
{
    /// <summary>Length of the parameter vector.</summary>
    int ParameterCount { get; }

    /// <summary>Length of an observation.</summary>
    int ObservationSize { get; }

    /// <summary>Doubles per action: 1 (the index) for a discrete policy, the action dimension for a continuous one.</summary>
    int ActionSize { get; }

    /// <summary>Writes initial parameters drawn from <paramref name="random"/>.</summary>
    void Initialize(Span<double> parameters, Random random);

    /// <summary>Draws an action from <c>pi(.|observation)</c>.</summary>
    void Sample(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, Random random, Span<double> action);

    /// <summary>Returns <c>log pi(action|observation)</c>.</summary>
    double LogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action);

    /// <summary>Overwrites <paramref name="gradient"/> with <c>grad_theta log pi(action|observation)</c>; returns <c>log pi</c>.</summary>
    double GradientLogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action, Span<double> gradient);

    /// <summary>
    /// Overwrites <paramref name="gradient"/> with <c>grad_theta log pi(action|observation)</c> and
    /// <paramref name="hessianVector"/> with the exact Hessian-vector product
    /// <c>(grad^2_theta log pi(action|observation)) direction</c>; returns <c>log pi</c>.
    /// </summary>
    double HessianVectorLogProbability(
        ReadOnlySpan<double> parameters,
        ReadOnlySpan<double> observation,
        ReadOnlySpan<double> action,
        ReadOnlySpan<double> direction,
        Span<double> gradient,
        Span<double> hessianVector);
}
