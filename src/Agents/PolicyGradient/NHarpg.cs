using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// N-HARPG (Fatkhullin, Barakat, Kireeva, He, ICML 2023, arXiv 2302.01734, with a
/// normalized step): the <see cref="Harpg"/> recursion with
/// <code>
/// theta_{t+1} = theta_t + gamma_t d_t / ||d_t||,   gamma_t = gamma_0 2/(t+2),   eta_t = eta_0 2/(t+2)
/// </code>
/// </summary>
public sealed class NHarpg : Harpg
{
    /// <summary>Creates the algorithm; the policy is initialized from <see cref="PolicyGradientOptions.Seed"/>.</summary>
    public NHarpg(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
        : base(policy, environment, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "N-HARPG";

    private protected override bool Normalized => true;

    private protected override double StepSizeAt(int t) => PolicyGradientSchedules.NHarpgStep(Options.StepSize, t);
}
