using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// Normalized policy gradient (the normalized baseline of Fatkhullin et al. 2023, arXiv 2302.01734):
/// <code>
/// tau_t ~ pi_{theta_t},   g_t = g(tau_t, theta_t)   (GPOMDP)
/// theta_{t+1} = theta_t + gamma_t g_t / ||g_t||,   gamma_t = gamma_0 (2/(t+2))^(2/3)
/// </code>
/// </summary>
public sealed class NormalizedPolicyGradient : PolicyGradientAlgorithm
{
    private readonly double[] _gradient;

    /// <summary>Creates the algorithm; the policy is initialized from <see cref="PolicyGradientOptions.Seed"/>.</summary>
    public NormalizedPolicyGradient(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
        : base(policy, environment, options) => _gradient = new double[policy.ParameterCount];

    /// <inheritdoc />
    public override string Name => "N-PG";

    private protected override (double StepSize, double Momentum, double DirectionNorm) Propose(int t, Span<double> next)
    {
        var gamma = PolicyGradientSchedules.VanillaStep(Options.StepSize, t);
        SampleGradient(Theta, _gradient);
        var norm = Ascend(_gradient, gamma, normalized: true, next);
        return (gamma, double.NaN, norm);
    }
}
