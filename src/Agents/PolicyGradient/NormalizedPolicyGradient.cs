using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// Normalized policy gradient N-PG (the normalized baseline of Fatkhullin et al. 2023, arXiv 2302.01734):
/// the <see cref="VanillaPolicyGradient"/> estimate and step size with
/// <code>
/// theta_{t+1} = theta_t + gamma_t g_t / ||g_t||,   gamma_t = gamma_0 (2/(t+2))^(2/3)
/// </code>
/// </summary>
public sealed class NormalizedPolicyGradient : VanillaPolicyGradient
{
    /// <summary>Creates the algorithm; the policy is initialized from <see cref="PolicyGradientOptions.Seed"/>.</summary>
    public NormalizedPolicyGradient(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
        : base(policy, environment, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "N-PG";

    private protected override bool Normalized => true;
}
