using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Model files written by the build of commit 7d69ee8 (fixtures/, made with
/// <c>rl train ID --steps 512 --envs 2 --set n_steps=64 --set batch_size=64 --set n_epochs=1 --seed 3</c>) still load
/// and play as they did then, and training the same run now writes the same bytes. A change that alters either is a
/// change of the model format or of the numerics: make it on purpose, and regenerate the fixtures with its build.
/// </summary>
public class ModelFileCompatibilityTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Theory]
    // rl eval FILE --episodes 20 --seed 4 with the build of 7d69ee8: 0.336 +- 0.295, mean length 69.3.
    [InlineData("ppo-minigrid-empty-5x5-7d69ee8.rlm", "MiniGrid-Empty-5x5-v0", false, 20, 4, 0.336, 3)]
    // rl eval FILE --episodes 5 --deterministic: -1232.15 +- 251.74, mean length 200.0.
    [InlineData("ppo-pendulum-7d69ee8.rlm", "Pendulum-v1", true, 5, 0, -1232.15, 2)]
    public void A_model_file_of_an_earlier_build_loads_plays_the_same_and_is_retrained_byte_for_byte(
        string file, string environment, bool deterministic, int episodes, int seed, double meanReturn, int decimals)
    {
        var path = Fixture(file);
        using (var loaded = ActorCriticAgent.Load(path))
        {
            Assert.Equal(environment, loaded.EnvironmentId);
            Assert.Equal(512, loaded.NumTimesteps);
            using var env = AgentFactory.MakeTrainingEnvironment(environment, 1);
            Assert.Equal(meanReturn, Math.Round(loaded.Evaluate(env, episodes, deterministic, seed).MeanReturn, decimals));
        }

        var saved = Path.Combine(Path.GetTempPath(), $"compat-{Guid.NewGuid():N}.rlm");
        try
        {
            using var agent = AgentFactory.Create("ppo", environment, 3,
                AgentPresets.ParseOverrides(["n_steps=64", "batch_size=64", "n_epochs=1", "num_envs=2"]));
            agent.Learn(512);
            agent.Save(saved);
            Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(saved));
        }
        finally
        {
            File.Delete(saved);
        }
    }
}
