using RLFramework.Environments;

namespace CustomEnvironment;

/// <summary>
/// Registers this assembly's environments when `rl ... --env-assembly CustomEnvironment.dll` loads it (or when a
/// program calls <see cref="Register"/> itself).
/// </summary>
public sealed class CorridorPackage : IEnvironmentPackage
{
    /// <summary>The id of <see cref="SignpostCorridor"/> in the registry.</summary>
    public const string CorridorId = "SignpostCorridor-v0";

    /// <summary>The id of <see cref="Thermostats"/> in the registry.</summary>
    public const string ThermostatsId = "Thermostats-v0";

    /// <summary>The id of <see cref="CoinRow"/> in the registry.</summary>
    public const string CoinRowId = "CoinRow-v0";

    /// <inheritdoc />
    public void Register()
    {
        // 20 steps before truncation; a mean return of 1 is every episode at the goal. Option: cells (default 9).
        var spec = new EnvironmentSpec(CorridorId, MaxEpisodeSteps: 20, RewardThreshold: 1.0, new Dictionary<string, object?> { ["cells"] = 9 });
        EnvironmentRegistry.Register(spec, options =>
        {
            options.ThrowIfUnknown(CorridorId, "cells");
            return new SignpostCorridor(options.GetInt("cells", 9));
        });

        // 20 steps before truncation; no options.
        EnvironmentRegistry.Register(new EnvironmentSpec(ThermostatsId, MaxEpisodeSteps: 20, RewardThreshold: null, new Dictionary<string, object?>()), options =>
        {
            options.ThrowIfUnknown(ThermostatsId);
            return new Thermostats();
        });

        // Three picks end an episode; no options. It reports action masks: train it with --set use_masking=true.
        EnvironmentRegistry.Register(new EnvironmentSpec(CoinRowId, MaxEpisodeSteps: null, RewardThreshold: null, new Dictionary<string, object?>()), options =>
        {
            options.ThrowIfUnknown(CoinRowId);
            return new CoinRow();
        });
    }
}
