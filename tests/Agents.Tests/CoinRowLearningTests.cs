using CustomEnvironment;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Environments;
using RLFramework.Environments.Checking;
using Xunit.Abstractions;

namespace RLFramework.Agents.Tests;

/// <summary>
/// The example package's <see cref="CoinRow"/>, which throws on an illegal action and reports action masks, trained with
/// PPO's defaults and <c>use_masking=true</c>. Oracle: each episode's best return, the sum of its three largest coins.
/// </summary>
public class CoinRowLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Ppo_with_masks_takes_the_three_largest_coins_and_never_an_empty_cell()
    {
        SpaceTestEnvironments.EnsureExamplePackage();
        using (var env = EnvironmentRegistry.Make(CorridorPackage.CoinRowId))
            Assert.True(EnvironmentChecker.Check(env, seed: 1).IsValid);

        using var agent = AgentFactory.Create("ppo", CorridorPackage.CoinRowId, seed: 3, AgentPresets.ParseOverrides(["use_masking=true"]));
        agent.Learn(30_000);

        var row = new CoinRow();
        var action = new float[1];
        var best = 0;
        var gaps = new List<int>();
        for (var episode = 0; episode < 200; episode++)
        {
            var observation = row.Reset(5_000 + episode).Observation;
            var optimum = row.BestReturn();
            var total = 0.0;
            for (var pick = 0; pick < CoinRow.Picks; pick++)
            {
                var legal = 0UL;
                for (var cell = 0; cell < CoinRow.Cells; cell++)
                    legal |= row.Coins[cell] != 0 ? 1UL << cell : 0;
                float[] features = [.. observation.ToArray().Select(c => (float)c)];
                agent.Predict(features, 1, deterministic: true, action, [legal]);
                var step = row.Step((int)action[0]);
                total += step.Reward;
                observation = step.Observation;
            }
            gaps.Add(optimum - (int)total);
            best += optimum == (int)total ? 1 : 0;
        }
        output.WriteLine($"best in {best}/200 episodes, mean gap {gaps.Average():F3}");
        // Measured: 200 of 200.
        Assert.True(best >= 190, $"{best} of 200 greedy episodes took the three largest coins");

        // Without masks the sampled actions soon take from an empty cell, which the environment refuses.
        using var unmasked = AgentFactory.Create("ppo", CorridorPackage.CoinRowId, seed: 3, AgentPresets.ParseOverrides([]));
        Assert.Contains("holds no coin", Assert.Throws<InvalidOperationException>(() => unmasked.Learn(2_000)).Message);
    }
}
