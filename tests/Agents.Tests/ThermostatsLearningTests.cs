using CustomEnvironment;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Environments;
using Xunit.Abstractions;

namespace RLFramework.Agents.Tests;

/// <summary>
/// The example package's <see cref="Thermostats"/> (a DictSpace observation with a categorical season, MultiDiscrete
/// actions, one element per room) trained with PPO's defaults. Oracle: each episode's optimal return, in closed form
/// from its reset state (every room moves one degree a step toward the season's target, then holds).
/// </summary>
public class ThermostatsLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Ppo_brings_every_room_to_the_seasons_target_as_fast_as_possible()
    {
        SpaceTestEnvironments.EnsureExamplePackage();
        using var agent = AgentFactory.Create("ppo", CorridorPackage.ThermostatsId, seed: 2, AgentPresets.ParseOverrides([]));
        agent.Learn(300_000);

        var env = new Thermostats();
        var action = new float[3];
        var gaps = new List<double>();
        var optimal = 0;
        for (var episode = 0; episode < 100; episode++)
        {
            var observation = env.Reset(1_000 + episode).Observation.ToArray();
            var best = OptimalReturn(env.Target, observation.AsSpan(1, 3), steps: 20);
            var total = 0.0;
            for (var t = 0; t < 20; t++)
            {
                agent.Predict(observation, 1, deterministic: true, action);
                var step = env.Step(new[] { (int)action[0], (int)action[1], (int)action[2] });
                total += step.Reward;
                observation = step.Observation.ToArray();
            }
            gaps.Add(best - total);
            optimal += best - total < 1e-9 ? 1 : 0;
        }
        output.WriteLine($"optimal episodes {optimal}/100, mean gap {gaps.Average():F4}, max gap {gaps.Max():F4}");
        // Measured: 85 of 100 episodes optimal, mean gap 0.009 (a policy that holds every room: about 7.7).
        Assert.True(optimal >= 70, $"{optimal} of 100 greedy episodes were optimal");
        Assert.True(gaps.Average() < 0.03, $"mean gap to the optimal return {gaps.Average():F4}");
    }

    /// <summary>-sum over steps k = 1..T of the rooms' mean distance max(d - k, 0), in tens of degrees.</summary>
    private static double OptimalReturn(int target, ReadOnlySpan<float> temperatures, int steps)
    {
        var total = 0.0;
        for (var k = 1; k <= steps; k++)
        {
            var distance = 0;
            foreach (var t in temperatures)
                distance += Math.Max(Math.Abs((int)t - target) - k, 0);
            total -= distance / (10.0 * temperatures.Length);
        }
        return total;
    }
}
