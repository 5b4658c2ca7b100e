using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// Vanilla policy gradient with the GPOMDP estimator (Baxter and Bartlett 2001), and with a normalized
/// step N-PG (<see cref="NormalizedPolicyGradient"/>):
/// <code>
/// tau_t ~ pi_{theta_t}
/// g_t = g(tau_t, theta_t) = sum_t (sum_{h>=t} gamma^h r_h) grad log pi_{theta_t}(a_t|s_t)
/// PG:   theta_{t+1} = theta_t + gamma_t g_t
/// N-PG: theta_{t+1} = theta_t + gamma_t g_t / ||g_t||
/// gamma_t = gamma_0 (2/(t+2))^(2/3)
/// </code>
/// The baselines of Fatkhullin et al. 2023's experiments (arXiv 2302.01734).
/// </summary>
public class VanillaPolicyGradient : PolicyGradientAlgorithm
{
    /// <summary>Creates the algorithm; the policy is initialized from <see cref="PolicyGradientOptions.Seed"/>.</summary>
    public VanillaPolicyGradient(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
        : base(policy, environment, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "PG";

    /// <summary>Whether the step is normalized (N-PG).</summary>
    private protected virtual bool Normalized => false;

    private protected sealed override (double StepSize, double Momentum, double DirectionNorm) Propose(int t, Span<double> next)
    {
        var gamma = PolicyGradientSchedules.VanillaStep(Options.StepSize, t);
        // g_t = g(tau_t, theta_t)
        var g = SampleGradient(Theta);
        var norm = Ascend(g, gamma, Normalized, next);
        return (gamma, double.NaN, norm);
    }
}
