using static RLFramework.Agents.Algorithms.OptionChecks;

namespace RLFramework.Agents.Algorithms;

/// <summary>
/// Options of A2C (Mnih et al. 2016): the shared on-policy options, with one tree fitted per rollout of
/// <see cref="OnPolicyOptions.NumSteps"/> steps.
/// </summary>
public sealed record A2cOptions : OnPolicyOptions
{
    /// <summary>Defaults: the GBRL paper's CartPole-v1 row of Table 2.</summary>
    public A2cOptions()
        : base(numEnvs: 16, numSteps: 8, gamma: 0.99, gaeLambda: 1.0, vfCoef: 0.5)
    {
    }

    private protected override void ValidateAlgorithm() =>
        Check(!NormalizeAdvantage || RolloutSize > 1, nameof(NormalizeAdvantage), NormalizeAdvantage, "false when the rollout has a single sample");
}
