using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// HARPG, Hessian-aided recursive policy gradient (Fatkhullin, Barakat, Kireeva, He, ICML 2023,
/// arXiv 2302.01734), and with a normalized step N-HARPG (<see cref="NHarpg"/>):
/// <code>
/// q ~ U[0,1],   theta_hat = q theta_t + (1 - q) theta_{t-1},   u = theta_t - theta_{t-1}
/// tau_t ~ pi_{theta_t},   tau_hat ~ pi_{theta_hat}
/// v_t = g(tau_hat, theta_hat) (grad log p(tau_hat|theta_hat) . u) + grad^2 Phi(tau_hat, theta_hat) u
/// d_t = (1 - eta_t)(d_{t-1} + v_t) + eta_t g(tau_t, theta_t)                (d_0 = g_0)
/// HARPG:   theta_{t+1} = theta_t + gamma_t d_t,          gamma_t = gamma_0 (2/(t+2))^(1/2)
/// N-HARPG: theta_{t+1} = theta_t + gamma_t d_t/||d_t||,  gamma_t = gamma_0 2/(t+2)
/// eta_t = eta_0 2/(t+2)
/// </code>
/// E over q and tau_hat of v_t = grad J(theta_t) - grad J(theta_{t-1}), so d_t tracks grad J(theta_t).
/// The Hessian-vector product is exact (<see cref="IParametricPolicy.HessianVectorLogProbability"/>).
/// </summary>
public class Harpg : MomentumPolicyGradient
{
    private readonly double[] _segmentPoint;
    private readonly double[] _difference;
    private readonly double[] _correction;

    /// <summary>Creates the algorithm; the policy is initialized from <see cref="PolicyGradientOptions.Seed"/>.</summary>
    public Harpg(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
        : base(policy, environment, options)
    {
        var p = policy.ParameterCount;
        _segmentPoint = new double[p];
        _difference = new double[p];
        _correction = new double[p];
    }

    /// <inheritdoc />
    public override string Name => "HARPG";

    /// <summary>Whether the step is normalized (N-HARPG).</summary>
    private protected virtual bool Normalized => false;

    /// <summary>gamma_t.</summary>
    private protected virtual double StepSizeAt(int t) => PolicyGradientSchedules.HarpgStep(Options.StepSize, t);

    private protected sealed override (double StepSize, double Momentum, double DirectionNorm) Propose(int t, Span<double> next)
    {
        var gamma = StepSizeAt(t);
        var eta = PolicyGradientSchedules.HarpgMomentum(Options.Momentum, t);
        var theta = Theta;
        var previous = PreviousTheta;
        var d = NextDirection;

        // g(tau_t, theta_t)
        var g = SampleGradient(theta);
        if (t == 0)
        {
            g.CopyTo(d);
        }
        else
        {
            // theta_hat = q theta_t + (1 - q) theta_{t-1},  u = theta_t - theta_{t-1}
            var q = Random.NextDouble();
            for (var i = 0; i < _segmentPoint.Length; i++)
            {
                _segmentPoint[i] = q * theta[i] + (1.0 - q) * previous[i];
                _difference[i] = theta[i] - previous[i];
            }
            SampleCorrection(_segmentPoint, _difference, _correction);

            // d_t = (1 - eta)(d_{t-1} + v_t) + eta g
            var dPrevious = Direction;
            for (var i = 0; i < d.Length; i++)
                d[i] = (1.0 - eta) * (dPrevious[i] + _correction[i]) + eta * g[i];
        }

        var norm = Ascend(d, gamma, Normalized, next);
        return (gamma, eta, norm);
    }
}
