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
public sealed class NPgIgt : PolicyGradientAlgorithm
{
    private readonly double[] _extrapolated;
    private readonly double[] _gradient;
    private readonly double[] _direction;
    private readonly double[] _pendingDirection;

    /// <summary>Creates the algorithm; the policy is initialized from <see cref="PolicyGradientOptions.Seed"/>.</summary>
    public NPgIgt(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
        : base(policy, environment, options)
    {
        var p = policy.ParameterCount;
        _extrapolated = new double[p];
        _gradient = new double[p];
        _direction = new double[p];
        _pendingDirection = new double[p];
    }

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

        SampleGradient(_extrapolated, _gradient);

        // d_t = (1 - eta) d_{t-1} + eta g
        for (var i = 0; i < _pendingDirection.Length; i++)
            _pendingDirection[i] = t == 0 ? _gradient[i] : (1.0 - eta) * _direction[i] + eta * _gradient[i];

        var norm = Ascend(_pendingDirection, gamma, normalized: true, next);
        return (gamma, eta, norm);
    }

    private protected override void Commit() => _pendingDirection.CopyTo(_direction, 0);
}
