using System.Runtime.InteropServices;
using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Vector;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>
/// The native CartPole vector against its oracle, the generic sync vector over 16 registry CartPoles
/// (OrderEnforcing and TimeLimit included): every observation, reward, flag and final observation
/// equal bit for bit, the same errors for bad input, and no allocation per step.
/// </summary>
public class CartPoleVectorEnvironmentTests
{
    private const int N = 16;

    public static TheoryData<AutoresetMode, int, bool, string, int?> Cases => new()
    {
        { AutoresetMode.NextStep, 0, false, "euler", null },
        { AutoresetMode.SameStep, 0, false, "euler", null },
        { AutoresetMode.NextStep, 123, true, "euler", 40 },
        { AutoresetMode.SameStep, -7, false, "semi-implicit", 40 },
        { AutoresetMode.NextStep, 2_147_483_640, true, "semi-implicit", null },
        { AutoresetMode.SameStep, 99, true, "euler", 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Native_vector_equals_the_generic_sync_vector_bit_for_bit(AutoresetMode mode, int seed, bool suttonBarto, string integrator, int? maxEpisodeSteps)
    {
        var environmentOptions = EnvironmentOptions.FromPairs(("sutton_barto_reward", suttonBarto), ("kinematics_integrator", integrator));
        using var native = VectorEnvironment.Make("CartPole-v1", N, new VectorOptions
        {
            AutoresetMode = mode,
            EnvironmentOptions = environmentOptions,
            MaxEpisodeSteps = maxEpisodeSteps,
        });
        using var generic = VectorEnvironment.Make("CartPole-v1", N, new VectorOptions
        {
            Mode = VectorMode.Sync,
            AutoresetMode = mode,
            EnvironmentOptions = environmentOptions,
            MaxEpisodeSteps = maxEpisodeSteps,
        });
        var cartPoles = Assert.IsType<CartPoleVectorEnvironment>(native);
        Assert.IsType<SyncVectorEnvironment>(generic);
        Assert.Equal(suttonBarto, cartPoles.Options.SuttonBartoReward);
        Assert.Equal(maxEpisodeSteps ?? 500, cartPoles.MaxEpisodeSteps);
        Assert.Equal("CartPole-v1", cartPoles.Spec?.Id);
        Assert.Equal(generic.SingleObservationSpace.ToString(), native.SingleObservationSpace.ToString());
        Assert.Equal(generic.SingleActionSpace.ToString(), native.SingleActionSpace.ToString());
        Assert.Equal((generic.ObservationSize, generic.ActionSize, generic.AutoresetMode), (native.ObservationSize, native.ActionSize, native.AutoresetMode));

        var g = VectorStepBuffers.For(generic);
        var a = VectorStepBuffers.For(native);
        generic.Reset(seed, g.Observations);
        native.Reset(seed, a.Observations);
        AssertBits(g.Observations, a.Observations, "reset");
        var random = new Random(seed);
        var actions = new int[N];
        int terminations = 0;
        int truncations = 0;
        for (int t = 0; t < 4000; t++)
        {
            for (int i = 0; i < N; i++)
            {
                // Half the environments balance the pole (long episodes, truncation at the limit), half act at random.
                ReadOnlySpan<float> o = g.Observation(i);
                bool balance = i % 2 == 0 && random.NextDouble() < 0.9;
                actions[i] = balance ? (o[2] + o[3] > 0 ? 1 : 0) : random.Next(2);
            }

            if (t == 2500)
            {
                // A reset in the middle: seeded again, then episodes continue from the generators.
                generic.Reset(seed + 1000, g.Observations);
                native.Reset(seed + 1000, a.Observations);
                AssertBits(g.Observations, a.Observations, "reset at 2500");
            }

            if (t == 3200)
            {
                generic.Reset(null, g.Observations);
                native.Reset(null, a.Observations);
                AssertBits(g.Observations, a.Observations, "unseeded reset at 3200");
            }

            generic.Step(actions, g);
            native.Step(actions, a);
            AssertSame(g, a, t);
            for (int i = 0; i < N; i++)
            {
                terminations += g.Terminated[i] ? 1 : 0;
                truncations += g.Truncated[i] ? 1 : 0;
            }
        }

        Assert.True(terminations > 100 || maxEpisodeSteps < 10, $"{terminations} terminations");
        Assert.True(truncations > 5, $"{truncations} truncations");
    }

    [Fact]
    public void Make_returns_the_native_vector_only_where_the_options_allow()
    {
        using var auto = VectorEnvironment.Make("CartPole-v1", 4);
        using var sync = VectorEnvironment.Make("CartPole-v1", 4, new VectorOptions { Mode = VectorMode.Sync });
        using var threaded = VectorEnvironment.Make("CartPole-v1", 4, new VectorOptions { Mode = VectorMode.Threaded, NumThreads = 2 });
        using var acrobot = VectorEnvironment.Make("Acrobot-v1", 2);
        Assert.IsType<CartPoleVectorEnvironment>(auto);
        Assert.IsType<SyncVectorEnvironment>(sync);
        Assert.IsType<ThreadedVectorEnvironment>(threaded);
        Assert.IsType<SyncVectorEnvironment>(acrobot);
        Assert.Equal(VectorMode.Auto, new VectorOptions().Mode);

        // Bad environment options are rejected as on the generic path.
        var bad = EnvironmentOptions.FromPairs(("gravity", 3.0));
        var nativeError = Assert.Throws<ArgumentException>(() => VectorEnvironment.Make("CartPole-v1", 2, new VectorOptions { EnvironmentOptions = bad }));
        var genericError = Assert.Throws<ArgumentException>(() => VectorEnvironment.Make("CartPole-v1", 2, new VectorOptions { EnvironmentOptions = bad, Mode = VectorMode.Sync }));
        Assert.Equal(genericError.Message, nativeError.Message);
    }

    [Fact]
    public void Native_vector_matches_a_threaded_vector_and_direct_construction()
    {
        using var direct = new CartPoleVectorEnvironment(5, new CartPoleOptions(), AutoresetMode.SameStep, maxEpisodeSteps: 20);
        using var threaded = VectorEnvironment.Make("CartPole-v1", 5, new VectorOptions
        {
            Mode = VectorMode.Threaded,
            NumThreads = 2,
            AutoresetMode = AutoresetMode.SameStep,
            MaxEpisodeSteps = 20,
        });
        var expected = new float[20];
        var actual = new float[20];
        threaded.Reset(42, expected);
        direct.Reset(42, actual);
        AssertBits(expected, actual, "reset");
        var g = VectorStepBuffers.For(threaded);
        var a = VectorStepBuffers.For(direct);
        var actions = new int[5];
        var state = new double[4];
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < 5; i++)
            {
                actions[i] = ((t * 7) + (i * 3)) % 5 < 2 ? 1 : 0;
            }

            threaded.Step(actions, g);
            direct.Step(actions, a);
            AssertSame(g, a, t);
        }

        // The state is the float64 state of the single environment.
        direct.GetState(2, state);
        var single = (CartPoleEnvironment)((ThreadedVectorEnvironment)threaded).GetEnvironment(2).Unwrapped();
        Assert.Equal(single.GetState(), state);
    }

    [Fact]
    public void Bad_input_gives_the_same_errors_as_the_generic_vector()
    {
        using var native = VectorEnvironment.Make("CartPole-v1", 3);
        using var generic = VectorEnvironment.Make("CartPole-v1", 3, new VectorOptions { Mode = VectorMode.Sync });
        var nr = VectorStepBuffers.For(native);
        var gr = VectorStepBuffers.For(generic);

        // Step before Reset.
        AssertSameError<InvalidOperationException>(() => generic.Step([0, 1, 0], gr), () => native.Step([0, 1, 0], nr), "before Reset");

        // Wrong sizes.
        AssertSameError<ArgumentException>(() => generic.Reset(0, new float[11]), () => native.Reset(0, new float[11]), "observations");
        generic.Reset(0, new float[12]);
        native.Reset(0, new float[12]);
        AssertSameError<ArgumentException>(() => generic.Step([0, 1], gr), () => native.Step([0, 1], nr), "actions");
        AssertSameError<ArgumentException>(() => generic.Step([0, 1, 0], new VectorStepBuffers(4, 4)), () => native.Step([0, 1, 0], new VectorStepBuffers(4, 4)), "result buffers");
        AssertSameError<ArgumentNullException>(() => generic.Step([0, 1, 0], null!), () => native.Step([0, 1, 0], null!), "results");

        // Continuous actions for discrete sub-environments.
        AssertSameError<InvalidOperationException>(() => generic.Step([0f, 1f, 0f], gr), () => native.Step([0f, 1f, 0f], nr), "discrete actions");

        // An action outside Discrete(2); the native vector applies none of the step.
        var before = new double[4];
        var after = new double[4];
        ((CartPoleVectorEnvironment)native).GetState(0, before);
        AssertSameError<ArgumentOutOfRangeException>(() => generic.Step([0, 2, 0], gr), () => native.Step([0, 2, 0], nr), "Discrete(2)");
        AssertSameError<ArgumentOutOfRangeException>(() => generic.Step([-1, 0, 0], gr), () => native.Step([-1, 0, 0], nr), "Discrete(2)");
        ((CartPoleVectorEnvironment)native).GetState(0, after);
        Assert.Equal(before, after);

        // GetState's arguments.
        Assert.Throws<ArgumentOutOfRangeException>(() => ((CartPoleVectorEnvironment)native).GetState(3, after));
        Assert.Throws<ArgumentException>(() => ((CartPoleVectorEnvironment)native).GetState(0, new double[3]));

        // Constructor and disposal.
        Assert.Throws<ArgumentOutOfRangeException>(() => new CartPoleVectorEnvironment(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CartPoleVectorEnvironment(2, maxEpisodeSteps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CartPoleVectorEnvironment(2, autoresetMode: (AutoresetMode)9));
        native.Dispose();
        generic.Dispose();
        Assert.Throws<ObjectDisposedException>(() => native.Step([0, 1, 0], nr));
        Assert.Throws<ObjectDisposedException>(() => native.Step([0f, 1f, 0f], nr));
        Assert.Throws<ObjectDisposedException>(() => native.Reset(0, new float[12]));
    }

    [Fact]
    public void In_NextStep_mode_the_action_of_a_resetting_environment_is_ignored_even_out_of_range()
    {
        using var native = VectorEnvironment.Make("CartPole-v1", 2, new VectorOptions { MaxEpisodeSteps = 1 });
        using var generic = VectorEnvironment.Make("CartPole-v1", 2, new VectorOptions { MaxEpisodeSteps = 1, Mode = VectorMode.Sync });
        var nr = VectorStepBuffers.For(native);
        var gr = VectorStepBuffers.For(generic);
        native.Reset(5, nr.Observations);
        generic.Reset(5, gr.Observations);
        native.Step([1, 0], nr);
        generic.Step([1, 0], gr);
        AssertSame(gr, nr, 0);
        Assert.True(nr.Truncated[0] && nr.Truncated[1]);
        native.Step([7, -3], nr);
        generic.Step([7, -3], gr);
        AssertSame(gr, nr, 1);
        Assert.Equal([0.0, 0.0], nr.Rewards.ToArray());
    }

    [Fact]
    public void Steps_allocate_nothing()
    {
        foreach (var mode in new[] { AutoresetMode.NextStep, AutoresetMode.SameStep })
        {
            foreach (var integrator in new[] { CartPoleIntegrator.Euler, CartPoleIntegrator.SemiImplicitEuler })
            {
                using var env = new CartPoleVectorEnvironment(N, new CartPoleOptions { KinematicsIntegrator = integrator }, mode);
                var results = VectorStepBuffers.For(env);
                var actions = new int[N];
                env.Reset(1, results.Observations);
                int ended = 0;
                long allocated = Allocations.Least(() =>
                {
                    for (int t = 0; t < 5000; t++)
                    {
                        actions[t % N] ^= 1;
                        env.Step(actions, results);
                        ended += results.HasFinalObservation[t % N] ? 1 : 0;
                    }
                });

                Assert.Equal(0, allocated);
                Assert.True(ended > 0);
            }
        }
    }

    private static void AssertSameError<TException>(Action generic, Action native, string expectedText)
        where TException : Exception
    {
        var expected = Assert.Throws<TException>(generic);
        var actual = Assert.Throws<TException>(native);
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal((expected as ArgumentException)?.ParamName, (actual as ArgumentException)?.ParamName);
        Assert.Contains(expectedText, actual.Message, StringComparison.Ordinal);
    }

    private static void AssertSame(VectorStepBuffers expected, VectorStepBuffers actual, int step)
    {
        AssertBits(expected.Observations, actual.Observations, $"observations at step {step}");
        Assert.True(
            MemoryMarshal.Cast<double, long>(expected.Rewards).SequenceEqual(MemoryMarshal.Cast<double, long>(actual.Rewards)),
            $"rewards differ at step {step}");
        Assert.True(expected.Terminated.SequenceEqual(actual.Terminated), $"terminated differs at step {step}");
        Assert.True(expected.Truncated.SequenceEqual(actual.Truncated), $"truncated differs at step {step}");
        Assert.True(expected.HasFinalObservation.SequenceEqual(actual.HasFinalObservation), $"final-observation flags differ at step {step}");
        for (int i = 0; i < expected.NumEnvs; i++)
        {
            if (expected.HasFinalObservation[i])
            {
                AssertBits(expected.FinalObservation(i), actual.FinalObservation(i), $"final observation {i} at step {step}");
            }
        }
    }

    private static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        ReadOnlySpan<int> e = MemoryMarshal.Cast<float, int>(expected);
        ReadOnlySpan<int> a = MemoryMarshal.Cast<float, int>(actual);
        Assert.True(e.SequenceEqual(a), $"{what}: expected [{string.Join(", ", expected.ToArray())}], got [{string.Join(", ", actual.ToArray())}]");
    }
}
