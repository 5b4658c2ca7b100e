using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Policies;
using RLFramework.Agents.Presets;

namespace RLFramework.Agents.Tests;

/// <summary>
/// The neural actor-critic baseline: parameter gradients against finite differences of the A2C and PPO
/// losses (written here in double from closed forms), and short PPO/A2C runs on CartPole-v1.
/// </summary>
public class MlpPolicyTests
{
    private static readonly GbrlPolicyOptions s_tiny = new() { Policy = PolicyKind.Mlp, MlpHiddenSize = 5, LogStdInit = -0.5 };

    private static float[] Observations(int count, int size, int seed)
    {
        var random = new Random(seed);
        var observations = new float[count * size];
        for (var i = 0; i < observations.Length; i++)
            observations[i] = (float)(2 * random.NextDouble() - 1);
        return observations;
    }

    [Fact]
    public void Categorical_a2c_loss_gradient_matches_finite_differences()
    {
        const int n = 6, obsSize = 3, actionsCount = 3;
        const double entCoef = 0.01, vfCoef = 0.5;
        var distribution = new CategoricalDistribution(actionsCount);
        var policy = new MlpActorCriticPolicy(distribution, obsSize, s_tiny, seed: 7);
        var observations = Observations(n, obsSize, 1);
        float[] actions = [0, 2, 1, 1, 0, 2];
        double[] advantages = [0.5, -1.2, 0.3, 2.0, -0.7, 1.1];
        double[] returns = [1.0, -0.5, 0.2, 0.8, 0.0, -1.5];
        var k = policy.OutputCount;
        var rows = new double[k];

        double Loss()
        {
            var total = 0.0;
            for (var i = 0; i < n; i++)
            {
                policy.ForwardRow(observations.AsSpan(i * obsSize, obsSize), rows);
                var max = Math.Max(rows[0], Math.Max(rows[1], rows[2]));
                var sum = 0.0;
                for (var j = 0; j < actionsCount; j++)
                    sum += Math.Exp(rows[j] - max);
                var logZ = max + Math.Log(sum);
                var entropy = 0.0;
                for (var j = 0; j < actionsCount; j++)
                    entropy -= Math.Exp(rows[j] - logZ) * (rows[j] - logZ);
                var logProb = rows[(int)actions[i]] - logZ;
                var valueError = rows[actionsCount] - returns[i];
                total += -advantages[i] * logProb - entCoef * entropy + vfCoef * valueError * valueError;
            }
            return total / n;
        }

        // The per-sample output gradients exactly as A2c computes them.
        var outputs = new float[n * k];
        policy.Forward(observations, n, outputs);
        var coefficients = new float[n];
        var gradients = new float[n * k];
        for (var i = 0; i < n; i++)
        {
            coefficients[i] = (float)-advantages[i];
            gradients[i * k + actionsCount] = (float)(vfCoef * 2 * (outputs[i * k + actionsCount] - returns[i]));
        }
        distribution.Gradients(outputs, k, n, policy.LogStd, actions, coefficients, -entCoef, gradients, []);
        var analytic = new double[policy.ParameterCount];
        policy.ComputeGradient(observations, gradients, n, [], analytic);

        AssertMatchesFiniteDifferences(policy, analytic, Loss);
    }

    [Fact]
    public void Gaussian_ppo_loss_gradient_matches_finite_differences_including_the_log_std()
    {
        const int n = 5, obsSize = 2, d = 2;
        const double entCoef = 0.02, vfCoef = 0.5;
        var distribution = new DiagGaussianDistribution(d);
        var policy = new MlpActorCriticPolicy(distribution, obsSize, s_tiny, seed: 3);
        var observations = Observations(n, obsSize, 2);
        var actions = Observations(n, d, 3);
        double[] advantages = [0.4, -0.9, 1.3, -0.2, 0.6];
        double[] returns = [0.3, 1.0, -0.4, 0.9, -0.1];
        var k = policy.OutputCount;
        var logStdOffset = policy.ParameterCount - d;
        var rows = new double[k];

        double LogProb(int i)
        {
            policy.ForwardRow(observations.AsSpan(i * obsSize, obsSize), rows);
            var logProb = 0.0;
            for (var j = 0; j < d; j++)
            {
                var logStd = policy.Parameters[logStdOffset + j];
                var z = (actions[i * d + j] - rows[j]) / Math.Exp(logStd);
                logProb += -0.5 * z * z - logStd - 0.5 * Math.Log(2 * Math.PI);
            }
            return logProb;
        }

        // Old log-probabilities near the current ones, so every ratio is inside the clip range (0.2).
        var oldLogProbs = new double[n];
        for (var i = 0; i < n; i++)
            oldLogProbs[i] = LogProb(i) + 0.05 * Math.Sin(i + 1);

        double Loss()
        {
            var total = 0.0;
            for (var i = 0; i < n; i++)
            {
                var ratio = Math.Exp(LogProb(i) - oldLogProbs[i]);
                var entropy = 0.0;
                for (var j = 0; j < d; j++)
                    entropy += 0.5 + 0.5 * Math.Log(2 * Math.PI) + policy.Parameters[logStdOffset + j];
                var valueError = rows[d] - returns[i];
                total += -advantages[i] * ratio - entCoef * entropy + vfCoef * 0.5 * valueError * valueError;
            }
            return total / n;
        }

        // The per-sample output gradients exactly as Ppo computes them (unclipped branch).
        var outputs = new float[n * k];
        policy.Forward(observations, n, outputs);
        var coefficients = new float[n];
        var gradients = new float[n * k];
        for (var i = 0; i < n; i++)
        {
            coefficients[i] = (float)(-advantages[i] * Math.Exp(LogProb(i) - oldLogProbs[i]));
            gradients[i * k + d] = (float)(vfCoef * (outputs[i * k + d] - returns[i]));
        }
        var logStdGradient = new double[d];
        distribution.Gradients(outputs, k, n, policy.LogStd, actions, coefficients, -entCoef, gradients, logStdGradient);
        for (var j = 0; j < d; j++)
            logStdGradient[j] /= n;
        var analytic = new double[policy.ParameterCount];
        policy.ComputeGradient(observations, gradients, n, logStdGradient, analytic);

        AssertMatchesFiniteDifferences(policy, analytic, Loss);
    }

    private static void AssertMatchesFiniteDifferences(MlpActorCriticPolicy policy, double[] analytic, Func<double> loss)
    {
        const double h = 1e-5;
        for (var j = 0; j < policy.ParameterCount; j++)
        {
            var saved = policy.Parameters[j];
            policy.Parameters[j] = saved + h;
            var plus = loss();
            policy.Parameters[j] = saved - h;
            var minus = loss();
            policy.Parameters[j] = saved;
            var numeric = (plus - minus) / (2 * h);
            // The output gradients come from float outputs: allow float rounding, not a wrong derivative.
            Assert.True(Math.Abs(numeric - analytic[j]) <= 2e-5 + 1e-4 * Math.Abs(numeric),
                $"Parameter {j}: analytic {analytic[j]}, finite differences {numeric}.");
        }
    }

    [Fact]
    public void Update_takes_one_adam_step_on_the_clipped_gradient()
    {
        var options = s_tiny with { MlpMaxGradNorm = 0.5, MlpLearningRate = 1e-2 };
        var policy = new MlpActorCriticPolicy(new CategoricalDistribution(2), 3, options, seed: 1);
        var observations = Observations(4, 3, 5);
        var gradients = new float[4 * 3];
        for (var i = 0; i < gradients.Length; i++)
            gradients[i] = 100f * (i % 3 - 1);
        var before = policy.Parameters.ToArray();
        var gradient = new double[policy.ParameterCount];
        policy.ComputeGradient(observations, gradients, 4, [], gradient);
        policy.Update(observations, gradients, 4, [], 1.0);
        Assert.Equal(1, policy.Version);
        // Adam's first step moves every parameter with a nonzero gradient by the learning rate against its sign
        // (clipping scales the whole gradient, which the first step's m / sqrt(v) does not see).
        for (var j = 0; j < before.Length; j++)
        {
            var step = before[j] - policy.Parameters[j];
            if (Math.Abs(gradient[j]) > 1e-4)
                Assert.Equal(1e-2 * Math.Sign(gradient[j]), step, 1e-5);
        }
    }

    private static ActorCriticAgent Make(string algorithm, int seed, params string[] overrides) =>
        AgentFactory.Create(algorithm, "CartPole-v1", seed, AgentPresets.ParseOverrides(["policy=mlp", .. overrides]));

    private static readonly float[] s_probe = [0.01f, 0.2f, -0.03f, -0.1f, -0.1f, -0.5f, 0.1f, 0.8f];

    private static float[] Outputs(ActorCriticAgent agent)
    {
        var outputs = new float[2 * agent.Policy.OutputCount];
        agent.Policy.Forward(s_probe, 2, outputs);
        return outputs;
    }

    [Theory]
    [InlineData("ppo", "n_steps=32")]
    [InlineData("a2c", "n_steps=8")]
    public void A_short_run_with_the_mlp_policy_changes_the_parameters_and_same_seed_repeats_it(string algorithm, string steps)
    {
        float[] Run(int seed, out float[] initial)
        {
            using var agent = Make(algorithm, seed, steps);
            Assert.IsType<MlpActorCriticPolicy>(agent.Policy);
            initial = Outputs(agent);
            agent.Learn(2048);
            Assert.True(agent.NumTimesteps >= 2048);
            Assert.True(agent.Policy.Version > 0);
            Assert.Equal(0, agent.TreeCount);
            return Outputs(agent);
        }
        var a = Run(11, out var initialA);
        var b = Run(11, out _);
        var c = Run(12, out _);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
        Assert.NotEqual(initialA, a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void An_mlp_agent_saves_loads_and_resumes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlp-agent-{Guid.NewGuid():N}.rlm");
        try
        {
            using var agent = Make("ppo", 2, "n_steps=32", "n_epochs=2");
            agent.Learn(1024);
            agent.Save(path);
            using var loaded = ActorCriticAgent.Load(path);
            Assert.IsType<MlpActorCriticPolicy>(loaded.Policy);
            Assert.Equal(agent.PolicyOptions, loaded.PolicyOptions);
            Assert.Equal(agent.Policy.Version, loaded.Policy.Version);
            Assert.Equal(Outputs(agent), Outputs(loaded));
            var original = (MlpActorCriticPolicy)agent.Policy;
            var restored = (MlpActorCriticPolicy)loaded.Policy;
            Assert.Equal(original.Parameters.ToArray(), restored.Parameters.ToArray());

            // Resuming: training continues from the saved counters.
            loaded.Learn(2048);
            Assert.True(loaded.NumTimesteps >= 2048);
            Assert.True(loaded.Policy.Version > agent.Policy.Version);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_mlp_options_name_the_option()
    {
        var e = Assert.Throws<ArgumentException>(() => AgentPresets.Resolve("ppo", "CartPole-v1", AgentPresets.ParseOverrides(["policy=mlp", "mlp_lr=0"])));
        Assert.Contains("mlp_learning_rate", e.Message, StringComparison.Ordinal);
        var kind = Assert.Throws<ArgumentException>(() => AgentPresets.Resolve("ppo", "CartPole-v1", AgentPresets.ParseOverrides(["policy=transformer"])));
        Assert.Contains("gbrl", kind.Message, StringComparison.Ordinal);
    }
}
