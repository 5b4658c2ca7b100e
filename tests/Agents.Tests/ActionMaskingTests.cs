using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Policies;
using RLFramework.Agents.Presets;
using RLFramework.Environments;
using RLFramework.Environments.Checking;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Invalid-action masking (sb3-contrib's MaskablePPO). Oracles: a masked categorical is the categorical over the legal
/// logits alone (log-probabilities, entropies, samples and gradients); on an environment that throws on an illegal action,
/// every algorithm trains and evaluates without one and reaches the optimum, while the same run without masks hits one.
/// </summary>
public class ActionMaskingTests
{
    private const string GatesId = "Test-MaskedGates-v0";

    private static void EnsureRegistered() => SpaceTestEnvironments.EnsureRegistered(GatesId, () =>
        EnvironmentRegistry.Register(new EnvironmentSpec(GatesId, 50, null, new Dictionary<string, object?> { ["dead_end_at"] = -1, ["uneven_ends"] = 0 }),
            options => new MaskedGates(options.GetInt("dead_end_at", -1), options.GetInt("uneven_ends", 0) != 0)));

    [Fact]
    public void A_masked_categorical_is_the_categorical_over_the_legal_logits()
    {
        var random = new RandomSource(11);
        var d = new CategoricalDistribution(6);
        for (var trial = 0; trial < 200; trial++)
        {
            var logits = new float[7];
            for (var k = 0; k < 7; k++)
                logits[k] = (float)(8 * random.NextDouble() - 4);
            var mask = random.NextUInt64() & 0x3F;
            if (mask == 0)
                mask = 1UL << random.NextInt(6);
            var legal = Enumerable.Range(0, 6).Where(k => (mask >> k & 1) != 0).ToArray();
            var sub = new CategoricalDistribution(legal.Length);
            var subLogits = legal.Select(k => logits[k]).ToArray();
            var action = random.NextInt(legal.Length);

            var row = (float[])logits.Clone();
            ActionMasking.Apply(row, 7, 1, 6, [mask]);
            Assert.Equal(logits[6], row[6]); // the value column is not a logit
            var (logProb, entropy, subLogProb, subEntropy) = (new float[1], new float[1], new float[1], new float[1]);
            d.LogProbAndEntropy(row, 7, 1, [], [legal[action]], logProb, entropy);
            sub.LogProbAndEntropy(subLogits, legal.Length, 1, [], [action], subLogProb, subEntropy);
            Assert.Equal(subLogProb[0], logProb[0], 5);
            Assert.Equal(subEntropy[0], entropy[0], 5);

            // Gradients of c log pi(a) + h H: the sub-distribution's on the legal logits, exactly 0 on the masked ones.
            var (gradients, subGradients) = (new float[7], new float[legal.Length]);
            d.Gradients(row, 7, 1, [], [legal[action]], [0.7f], 0.3, gradients, []);
            sub.Gradients(subLogits, legal.Length, 1, [], [action], [0.7f], 0.3, subGradients, []);
            for (var k = 0; k < 6; k++)
            {
                var j = Array.IndexOf(legal, k);
                if (j < 0)
                    Assert.Equal(0f, gradients[k]);
                else
                    Assert.Equal(subGradients[j], gradients[k], 5);
            }
        }
    }

    [Fact]
    public void Masked_actions_are_never_sampled_nor_the_mode_and_the_legal_ones_keep_their_odds()
    {
        // Logits favour the masked actions 0 and 3 by far; legal 1, 2, 4, 5 have softmax odds 1 : e : e^2 : 1 among themselves.
        float[] logits = [9f, 0f, 1f, 9f, 2f, 0f];
        const ulong mask = 0b110110;
        var d = new CategoricalDistribution(6);
        var row = (float[])logits.Clone();
        ActionMasking.Apply(row, 6, 1, 6, [mask]);
        var random = new RandomSource(5);
        var counts = new int[6];
        var (action, logProb) = (new float[1], new float[1]);
        const int draws = 40_000;
        for (var i = 0; i < draws; i++)
        {
            d.Sample(row, 6, 1, [], deterministic: false, random, action, logProb);
            counts[(int)action[0]]++;
        }
        Assert.Equal(0, counts[0]);
        Assert.Equal(0, counts[3]);
        var z = 2 + Math.E + Math.E * Math.E;
        foreach (var (k, p) in new[] { (1, 1 / z), (2, Math.E / z), (4, Math.E * Math.E / z), (5, 1 / z) })
            Assert.InRange(counts[k] / (double)draws, p - 0.01, p + 0.01);
        d.Sample(row, 6, 1, [], deterministic: true, random, action, logProb);
        Assert.Equal(4f, action[0]);
    }

    [Fact]
    public void When_rounding_leaves_no_action_the_draw_takes_the_last_legal_one_not_a_masked_one()
    {
        // Probabilities summing to 0.9 in floating point stand for a sum a rounding below u: a draw past every
        // cumulative sum falls back to the last action of non-zero probability (2), not the last action (3, masked).
        double[] logP = [Math.Log(0.3), Math.Log(0.3), Math.Log(0.3), ActionMasking.MaskedLogit];
        Assert.Equal(2, CategoricalDistribution.InverseCdf(logP, 0.95));
        Assert.Equal(1, CategoricalDistribution.InverseCdf(logP, 0.5));
        Assert.Equal(2, CategoricalDistribution.InverseCdf([Math.Log(0.3), Math.Log(0.3), Math.Log(0.3)], 0.95));
    }

    [Fact]
    public void Multidiscrete_masks_are_the_blocks_masks_one_after_another()
    {
        // Blocks of 3 and 2: bits 0-2 are block 0, bits 3-4 block 1.
        var d = new CategoricalDistribution(3, 2);
        float[] row = [5f, 0f, 0f, 4f, 0f];
        ActionMasking.Apply(row, 5, 1, 5, [0b10110UL]);
        var (action, logProb) = (new float[2], new float[1]);
        d.Sample(row, 5, 1, [], deterministic: true, new RandomSource(0), action, logProb);
        Assert.Equal([1f, 1f], action);
        Assert.Equal(Math.Log(0.5), logProb[0], 5);
        Assert.Equal(-1, ActionMasking.FirstBlockWithoutLegalAction(0b10110, [3, 2]));
        Assert.Equal(1, ActionMasking.FirstBlockWithoutLegalAction(0b00110, [3, 2]));
        Assert.Equal(0, ActionMasking.FirstBlockWithoutLegalAction(0b11000, [3, 2]));
        Assert.Equal(0, ActionMasking.FirstBlockWithoutLegalAction(0, [64]));
        Assert.Equal(-1, ActionMasking.FirstBlockWithoutLegalAction(1UL << 63, [64]));
    }

    // Gates: an untrained greedy tree policy (equal logits) takes the first legal action, which is wrong at three gates of four:
    // 2 of 8 expected (an untrained MLP's logits are not equal: any legal return). The optimum is 8. Without masks a sampled
    // action is illegal half the time, and the environment throws.
    [Theory]
    [InlineData("ppo", 4_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4" })]
    [InlineData("a2c", 6_000, new[] { "num_envs=4", "n_steps=8" })]
    [InlineData("awr", 6_000, new[] { "train_freq=400", "gradient_steps=20", "batch_size=256" })]
    [InlineData("ppo", 12_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4", "policy=mlp", "mlp_lr=0.003" })]
    public void Each_algorithm_learns_with_masks_and_never_takes_an_illegal_action(string algorithm, int steps, string[] overrides)
    {
        EnsureRegistered();
        using var agent = AgentFactory.Create(algorithm, GatesId, seed: 2, AgentPresets.ParseOverrides([.. overrides, "use_masking=true"]));
        using var env = AgentFactory.MakeTrainingEnvironment(GatesId, 4);
        var before = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        if (agent.Policy is Policies.GbrlActorCriticPolicy)
            Assert.InRange(before.MeanReturn, 1.0, 3.0);

        agent.Learn(steps);
        var after = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.All(after.Returns, r => Assert.Equal(MaskedGates.Length, r));
        Assert.All(agent.Evaluate(env, 20, deterministic: false, seed: 7).Returns, r => Assert.InRange(r, 0, MaskedGates.Length));

        using var unmasked = AgentFactory.Create(algorithm, GatesId, seed: 2, AgentPresets.ParseOverrides(overrides));
        var error = Assert.Throws<InvalidOperationException>(() => unmasked.Learn(steps));
        Assert.Contains("illegal", error.Message);
    }

    // The update's gradients: an illegal action's logit gets none, in every row of every update. An MLP recomputes the logits
    // of the whole rollout after each step (RefreshOutputs), so the masks must be applied again to the refreshed rows.
    [Theory]
    [InlineData("ppo", new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=3" })]
    [InlineData("a2c", new[] { "num_envs=4", "n_steps=8" })]
    [InlineData("awr", new[] { "train_freq=200", "gradient_steps=5", "batch_size=64" })]
    public void Illegal_actions_get_no_gradient_in_any_update(string algorithm, string[] overrides)
    {
        EnsureRegistered();
        var configuration = AgentPresets.Resolve(algorithm, GatesId, AgentPresets.ParseOverrides([.. overrides, "use_masking=true", "policy=mlp"]));
        var env = AgentFactory.MakeTrainingEnvironment(GatesId, configuration.Options.NumEnvs);
        GradientCheckingPolicy? checking = null;
        IActorCriticPolicy Policy(ActionDistribution d, Boosting.FeatureSchema f) =>
            checking = new GradientCheckingPolicy(new MlpActorCriticPolicy(d, f.FeatureCount, configuration.Policy, 3));
        using ActorCriticAgent agent = configuration.Options switch
        {
            PpoOptions o => new Ppo(env, o, configuration.Policy, 3, GatesId, policyFactory: Policy),
            A2cOptions o => new A2c(env, o, configuration.Policy, 3, GatesId, policyFactory: Policy),
            AwrOptions o => new Awr(env, o, configuration.Policy, 3, GatesId, policyFactory: Policy),
            _ => throw new ArgumentException(algorithm),
        };
        agent.Learn(800);
        Assert.True(checking!.Rows > 500, $"{checking.Rows} rows checked");
    }

    /// <summary>An MLP policy that checks, in every update, that the gradient of each illegal action's logit is exactly 0 (MaskedGates: legal g and g + 1).</summary>
    private sealed class GradientCheckingPolicy(MlpActorCriticPolicy inner) : IActorCriticPolicy
    {
        public int Rows { get; private set; }

        public int ObservationSize => inner.ObservationSize;

        public ActionDistribution Distribution => inner.Distribution;

        public int OutputCount => inner.OutputCount;

        public ReadOnlySpan<float> LogStd => inner.LogStd;

        public int Version => inner.Version;

        public void Forward(ReadOnlySpan<float> observations, int count, Span<float> outputs) => inner.Forward(observations, count, outputs);

        public void Act(ReadOnlySpan<float> observations, int count, bool deterministic, RandomSource random, Span<float> actions,
            Span<float> logProbs, Span<float> values, Span<float> outputs, ReadOnlySpan<ulong> actionMasks = default) =>
            inner.Act(observations, count, deterministic, random, actions, logProbs, values, outputs, actionMasks);

        public void EvaluateActions(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, int count, Span<float> logProbs,
            Span<float> entropies, Span<float> values, ReadOnlySpan<ulong> actionMasks = default) =>
            inner.EvaluateActions(observations, actions, count, logProbs, entropies, values, actionMasks);

        public void PredictValues(ReadOnlySpan<float> observations, int count, Span<float> values) => inner.PredictValues(observations, count, values);

        public void RefreshOutputs(ReadOnlySpan<float> observations, int count, Span<float> outputs, int fromVersion) =>
            inner.RefreshOutputs(observations, count, outputs, fromVersion);

        public void Update(ReadOnlySpan<float> observations, ReadOnlySpan<float> gradients, int count, ReadOnlySpan<double> logStdGradient,
            double progressRemaining)
        {
            var k = OutputCount;
            for (var i = 0; i < count; i++)
            {
                var gate = (int)observations[i];
                for (var a = 0; a < 4; a++)
                {
                    if (a != gate && a != (gate + 1) % 4)
                        Assert.True(gradients[i * k + a] == 0, $"row {i} (gate {gate}): the illegal action {a} has the gradient {gradients[i * k + a]}");
                }
                Rows++;
            }
            inner.Update(observations, gradients, count, logStdGradient, progressRemaining);
        }

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void The_checker_steps_with_legal_actions_when_the_environment_reports_a_mask_and_names_a_dead_end()
    {
        // MaskedGates throws on an illegal action: the checker passes only by sampling within the masks.
        EnsureRegistered();
        using (var env = EnvironmentRegistry.Make(GatesId))
        {
            var report = EnvironmentChecker.Check(env, seed: 4);
            Assert.True(report.IsValid, report.ToString());
        }
        using var deadEnd = EnvironmentRegistry.Make(GatesId, EnvironmentOptions.Parse(["dead_end_at=3"]));
        var dead = EnvironmentChecker.Check(deadEnd, seed: 4);
        Assert.False(dead.IsValid);
        Assert.Contains("Step 2 reported the action mask 0x0", dead.ToString());
    }

    [Fact]
    public void A_saved_agent_keeps_masking_and_predict_takes_masks()
    {
        EnsureRegistered();
        var path = Path.Combine(Path.GetTempPath(), $"masked-{Guid.NewGuid():N}.rlm");
        try
        {
            using (var agent = AgentFactory.Create("ppo", GatesId, seed: 2,
                AgentPresets.ParseOverrides(["num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4", "use_masking=true"])))
            {
                agent.Learn(4_000);
                agent.Save(path);
            }
            using var loaded = ActorCriticAgent.Load(path);
            Assert.True(loaded.Options.UseMasking);
            using var env = AgentFactory.MakeTrainingEnvironment(GatesId, 4);
            Assert.All(loaded.Evaluate(env, 20, deterministic: true, seed: 100).Returns, r => Assert.Equal(MaskedGates.Length, r));

            // Gate 2 (legal 2 and 3; 3 pays): the trained choice. Masking 3 away leaves 2, whatever the policy prefers.
            var actions = new float[2];
            loaded.Predict([2f, 2f], 2, deterministic: true, actions, [0b1100UL, 0b0100UL]);
            Assert.Equal([3f, 2f], actions);
            Assert.Throws<ArgumentException>(() => loaded.Predict([2f], 1, deterministic: true, actions, [1UL, 2UL]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_last_state_that_allows_nothing_is_no_error_where_its_action_is_ignored()
    {
        // uneven_ends=1: episodes of 6 to 8 steps, whose last state reports an empty mask. Same-step autoreset (training) replaces
        // it by the next episode's first state; next-step autoreset (Gymnasium's default) shows it, and the step after ignores the
        // action of that environment while the others, whose episodes go on, act.
        EnsureRegistered();
        var setup = EnvironmentSetup.Of(["uneven_ends=1"], []);
        using var agent = AgentFactory.Create("ppo", GatesId, seed: 2,
            AgentPresets.ParseOverrides(["num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4", "use_masking=true"]), environment: setup);
        agent.Learn(4_000);
        using var nextStep = setup.MakeVector(GatesId, 3, Environments.Vector.AutoresetMode.NextStep);
        var result = agent.Evaluate(nextStep, 12, deterministic: true, seed: 100);
        Assert.Equal(result.Lengths.Select(length => (double)length), result.Returns);
        Assert.True(result.Lengths.Distinct().Count() > 1, "the episodes should end at different steps");
    }

    [Fact]
    public void Masking_without_masks_or_on_continuous_actions_or_with_a_dead_end_is_a_clear_error()
    {
        EnsureRegistered();
        // No masks: an error when the agent is made, before any training.
        var error = Assert.Throws<ArgumentException>(() => AgentFactory.Create("ppo", "CartPole-v1", seed: 0,
            AgentPresets.ParseOverrides(["use_masking=true", "num_envs=2", "n_steps=8", "batch_size=16"])));
        Assert.Contains("reports no action mask", error.Message);
        Assert.Contains("StepInfo.ActionMask", error.Message);

        var continuous = Assert.Throws<ArgumentException>(() => AgentFactory.Create("ppo", "Pendulum-v1", seed: 0, AgentPresets.ParseOverrides(["use_masking=true"])));
        Assert.Contains("use_masking", continuous.Message);
        Assert.Contains("Box", continuous.Message);

        using var deadEnd = AgentFactory.Create("a2c", GatesId, seed: 0, AgentPresets.ParseOverrides(["use_masking=true", "num_envs=2", "n_steps=8"]),
            environment: EnvironmentSetup.Of(["dead_end_at=3"], []));
        var dead = Assert.Throws<InvalidOperationException>(() => deadEnd.Learn(64));
        Assert.Contains("action mask 0x0", dead.Message);
        Assert.Contains("no legal action", dead.Message);
    }
}

/// <summary>
/// Each step shows one of four gates (Discrete(4), drawn from the seeded generator); only actions g and g + 1 (mod 4) are
/// legal, reported in <see cref="StepInfo.ActionMask"/>, and any other action throws. Action g + 1 pays 1, action g pays 0.
/// An episode has <see cref="Length"/> steps (optimal return 8). With the option <c>dead_end_at</c> = t, step t reports an
/// empty mask; with <c>uneven_ends</c>, an episode has 6 to 8 steps (drawn at reset) and its last state reports an empty mask.
/// </summary>
internal sealed class MaskedGates(int deadEndAt = -1, bool unevenEnds = false) : IEnvironment<int, int>
{
    public const int Length = 8;

    private int _length = Length;
    private readonly Discrete _space = new(4);
    private Random _random = new(0);
    private int _gate;
    private int _steps;

    public Space ObservationSpace => _space;

    public Space ActionSpace => _space;

    public EnvironmentSpec? Spec => null;

    public ResetResult<int> Reset(int? seed = null)
    {
        if (seed is int s)
            _random = new Random(s);
        _steps = 0;
        _length = unevenEnds ? Length - _random.Next(3) : Length;
        _gate = _random.Next(4);
        return new(_gate, Info());
    }

    public StepResult<int> Step(int action)
    {
        if (action != _gate && action != (_gate + 1) % 4)
            throw new InvalidOperationException($"Action {action} is illegal at gate {_gate}.");
        var reward = action == (_gate + 1) % 4 ? 1.0 : 0.0;
        _steps++;
        _gate = _random.Next(4);
        return new(_gate, reward, _steps == _length, false, Info());
    }

    public void Dispose()
    {
    }

    private StepInfo Info() => new(1.0, _steps == deadEndAt || (unevenEnds && _steps == _length) ? 0 : (1UL << _gate) | (1UL << ((_gate + 1) % 4)), true);
}
