using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// N-PG-IGT: normalized policy gradient with implicit gradient transport (Fatkhullin, Barakat,
/// Kireeva, He, ICML 2023, arXiv 2302.01734; IGT from Arnold et al. 2019):
/// <code>
/// theta_tilde = theta_t + ((1 - eta_t)/eta_t) (theta_t - theta_{t-1})      (t = 0: theta_0)
/// tau_t ~ pi_{theta_tilde}
/// d_t = (1 - eta_t) d_{t-1} + eta_t g(tau_t, theta_tilde)                     (d_0 = g_0)
/// theta_{t+1} = theta_t + gamma_t d_t / ||d_t||
/// gamma_t = gamma_0 2/(t+2),   eta_t = eta_0 (2/(t+2))^(4/5)
/// </code>
/// </summary>
public sealed class NPgIgt : MomentumPolicyGradient
{
    private readonly double[] _extrapolated;

    /// <summary>Creates the algorithm; the policy is initialized from <see cref="PolicyGradientOptions.Seed"/>.</summary>
    public NPgIgt(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
        : base(policy, environment, options) => _extrapolated = new double[policy.ParameterCount];

    /// <inheritdoc />
    public override string Name => "N-PG-IGT";

    private protected override (double StepSize, double Momentum, double DirectionNorm) Propose(int t, Span<double> next)
    {
        var gamma = PolicyGradientSchedules.IgtStep(Options.StepSize, t);
        var eta = PolicyGradientSchedules.IgtMomentum(Options.Momentum, t);
        var theta = Theta;
        var previous = PreviousTheta;

        // theta_tilde = theta_t + ((1 - eta)/eta)(theta_t - theta_{t-1})
        var transport = t == 0 ? 0.0 : (1.0 - eta) / eta;
        for (var i = 0; i < _extrapolated.Length; i++)
            _extrapolated[i] = theta[i] + transport * (theta[i] - previous[i]);

        // g(tau_t, theta_tilde)
        var g = SampleGradient(_extrapolated);

        // d_t = (1 - eta) d_{t-1} + eta g
        var d = NextDirection;
        var dPrevious = Direction;
        for (var i = 0; i < d.Length; i++)
            d[i] = t == 0 ? g[i] : (1.0 - eta) * dPrevious[i] + eta * g[i];

        var norm = Ascend(d, gamma, normalized: true, next);
        return (gamma, eta, norm);
    }
}
