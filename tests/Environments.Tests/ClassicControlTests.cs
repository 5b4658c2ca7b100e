using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

public class ClassicControlTests
{
    public static TheoryData<string, int?, double?> Specs => new()
    {
        { "CartPole-v1", 500, 475.0 },
        { "MountainCar-v0", 200, -110.0 },
        { "MountainCarContinuous-v0", 999, 90.0 },
        { "Pendulum-v1", 200, null },
        { "Acrobot-v1", 500, -100.0 },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Registry_has_the_reference_time_limits_and_thresholds(string id, int? maxSteps, double? threshold)
    {
        EnvironmentSpec spec = Environments.Spec(id);
        Assert.Equal(maxSteps, spec.MaxEpisodeSteps);
        Assert.Equal(threshold, spec.RewardThreshold);
        using IEnvironment env = Environments.Make(id);
        Assert.Equal(maxSteps, env.Find<TimeLimit<ReadOnlyMemory<float>, int>>()?.MaxEpisodeSteps
            ?? env.Find<TimeLimit<ReadOnlyMemory<float>, ReadOnlyMemory<float>>>()?.MaxEpisodeSteps);
    }

    [Fact]
    public void Spaces_have_the_reference_float32_bounds()
    {
        var cartPole = (Box)new CartPoleEnvironment().ObservationSpace;
        Assert.Equal([-4.8f, float.NegativeInfinity, -0.41887903f, float.NegativeInfinity], cartPole.Low.ToArray());
        var acrobot = (Box)new AcrobotEnvironment().ObservationSpace;
        Assert.Equal([1f, 1f, 1f, 1f, 12.566371f, 28.274334f], acrobot.High.ToArray());
        var pendulum = new PendulumEnvironment();
        Assert.Equal([-1f, -1f, -8f], ((Box)pendulum.ObservationSpace).Low.ToArray());
        Assert.Equal([2f], ((Box)pendulum.ActionSpace).High.ToArray());
        Assert.Equal(3, ((Discrete)new MountainCarEnvironment().ActionSpace).N);
    }

    [Fact]
    public void Seeded_resets_repeat_and_stay_in_the_reference_ranges()
    {
        var a = new CartPoleEnvironment();
        var b = new CartPoleEnvironment();
        float[] first = a.Reset(seed: 7).Observation.ToArray();
        Assert.Equal(first, b.Reset(seed: 7).Observation.ToArray());
        Assert.NotEqual(first, b.Reset(seed: 8).Observation.ToArray());
        Assert.All(first, x => Assert.InRange(x, -0.05f, 0.05f));

        var car = new MountainCarEnvironment();
        for (int seed = 0; seed < 50; seed++)
        {
            double[] state = ResetState(car, seed);
            Assert.InRange(state[0], -0.6, -0.4);
            Assert.Equal(0.0, state[1]);
        }

        var acrobot = new AcrobotEnvironment();
        double[] acrobotState = ResetState(acrobot, 3);
        Assert.All(acrobotState, x => Assert.Equal(x, (double)(float)x)); // drawn in float32 as in the reference
        Assert.All(acrobotState, x => Assert.InRange(x, -0.1, 0.1));

        double[] pendulum = ResetState(new PendulumEnvironment(), 5);
        Assert.InRange(pendulum[0], -Math.PI, Math.PI);
        Assert.InRange(pendulum[1], -1.0, 1.0);
    }

    [Fact]
    public void Step_before_reset_and_after_termination_throw_naming_the_problem()
    {
        var env = new CartPoleEnvironment();
        var before = Assert.Throws<InvalidOperationException>(() => env.Step(0));
        Assert.Contains("before Reset", before.Message, StringComparison.Ordinal);

        env.SetState([2.39, 1.0, 0.0, 0.0]);
        Assert.True(env.Step(1).Terminated);
        var after = Assert.Throws<InvalidOperationException>(() => env.Step(1));
        Assert.Contains("after the episode terminated", after.Message, StringComparison.Ordinal);

        env.Reset(seed: 1);
        Assert.False(env.Step(1).Terminated);
    }

    [Fact]
    public void Bad_actions_throw_naming_the_problem()
    {
        var cartPole = new CartPoleEnvironment();
        cartPole.Reset(seed: 0);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => cartPole.Step(2));
        Assert.Contains("Discrete(2)", range.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => cartPole.Step(-1));

        var pendulum = new PendulumEnvironment();
        pendulum.Reset(seed: 0);
        var nan = Assert.Throws<ArgumentException>(() => pendulum.Step(new[] { float.NaN }));
        Assert.Contains("NaN", nan.Message, StringComparison.Ordinal);
        var length = Assert.Throws<ArgumentException>(() => pendulum.Step(new[] { 0f, 1f }));
        Assert.Contains("shape (1,)", length.Message, StringComparison.Ordinal);

        var car = new MountainCarContinuousEnvironment();
        car.Reset(seed: 0);
        Assert.Throws<ArgumentException>(() => car.Step(ReadOnlyMemory<float>.Empty));
        Assert.Throws<ArgumentException>(() => car.SetState([0.1]));
    }

    [Fact]
    public void Sutton_Barto_reward_is_zero_per_step_and_minus_one_on_termination()
    {
        var env = (CartPoleEnvironment)Environments.Make("CartPole-v1", EnvironmentOptions.FromPairs(("sutton_barto_reward", true))).Unwrapped();
        var plain = new CartPoleEnvironment();
        double[] start = [0.01, -0.02, 0.03, 0.04];
        env.SetState(start);
        plain.SetState(start);
        for (int step = 0; ; step++)
        {
            StepResult<ReadOnlyMemory<float>> result = env.Step(1);
            StepResult<ReadOnlyMemory<float>> reference = plain.Step(1);
            Assert.Equal(plain.GetState(), env.GetState()); // the reward option leaves the dynamics alone
            Assert.Equal(1.0, reference.Reward);
            if (result.Terminated)
            {
                Assert.Equal(-1.0, result.Reward);
                Assert.Equal(9, step); // the golden trace push_right_pole_falls terminates at its 10th step
                break;
            }

            Assert.Equal(0.0, result.Reward);
        }
    }

    [Fact]
    public void Semi_implicit_integrator_moves_positions_with_the_new_velocities()
    {
        var euler = new CartPoleEnvironment();
        var semi = new CartPoleEnvironment(new CartPoleOptions { KinematicsIntegrator = CartPoleIntegrator.SemiImplicitEuler });
        euler.SetState([0.0, 0.5, 0.0, 0.5]);
        semi.SetState([0.0, 0.5, 0.0, 0.5]);
        euler.Step(1);
        semi.Step(1);
        double[] e = euler.GetState(), s = semi.GetState();
        Assert.Equal(0.02 * 0.5, e[0]);                 // x moved with the old velocity
        Assert.Equal(0.02 * s[1], s[0]);                // x moved with the new velocity
        Assert.Equal(e[1], s[1]);                       // velocities are the same either way
        Assert.Equal(0.02 * s[3], s[2]);
    }

    [Fact]
    public void Options_are_read_by_their_python_names_and_unknown_names_are_rejected()
    {
        var pendulum = (PendulumEnvironment)Environments.Make("Pendulum-v1", EnvironmentOptions.FromPairs(("g", 9.81))).Unwrapped();
        Assert.Equal(9.81, pendulum.Options.G);
        var acrobot = (AcrobotEnvironment)Environments.Make("Acrobot-v1", EnvironmentOptions.FromPairs(("book_or_nips", "nips"))).Unwrapped();
        Assert.Equal(AcrobotDynamics.Nips, acrobot.Options.BookOrNips);
        var car = (MountainCarEnvironment)Environments.Make("MountainCar-v0", EnvironmentOptions.FromPairs(("goal_velocity", 0.01))).Unwrapped();
        Assert.Equal(0.01, car.Options.GoalVelocity);

        var unknown = Assert.Throws<ArgumentException>(() => Environments.Make("CartPole-v1", EnvironmentOptions.FromPairs(("gravity", 3.0))));
        Assert.Contains("gravity", unknown.Message, StringComparison.Ordinal);
        var integrator = Assert.Throws<ArgumentException>(() => Environments.Make("CartPole-v1", EnvironmentOptions.FromPairs(("kinematics_integrator", "rk4"))));
        Assert.Contains("rk4", integrator.Message, StringComparison.Ordinal);
        var weak = (PendulumEnvironment)Environments.Make("Pendulum-v1", EnvironmentOptions.FromPairs(("numpy_promotion", "weak"))).Unwrapped();
        Assert.Equal(NumpyPromotion.Weak, weak.Options.NumpyPromotion);
        Assert.Contains("numpy_promotion 'numpy3'", Assert.Throws<ArgumentException>(() => Environments.Make("MountainCarContinuous-v0", EnvironmentOptions.FromPairs(("numpy_promotion", "numpy3")))).Message, StringComparison.Ordinal);
        Assert.Contains("numpy_promotion", Assert.Throws<ArgumentException>(() => Environments.Make("MountainCar-v0", EnvironmentOptions.FromPairs(("numpy_promotion", "weak")))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PendulumOptions { G = double.NaN }.Validate());
        Assert.Throws<ArgumentException>(() => new AcrobotOptions { TorqueNoiseMax = -1 }.Validate());
    }

    [Theory]
    [InlineData(-10.0)]
    [InlineData(7.0)]
    [InlineData(3.0)]
    [InlineData(-3.5)]
    [InlineData(0.0)]
    public void Pendulum_angle_normalize_is_a_floored_modulo(double x)
    {
        double normalized = PendulumEnvironment.AngleNormalize(x);
        Assert.InRange(normalized, -Math.PI, Math.PI);
        // x and its normalization differ by a whole number of turns.
        double turns = (x - normalized) / (2 * Math.PI);
        Assert.Equal(Math.Round(turns), turns, 9);
    }

    [Fact]
    public void Pendulum_cost_uses_the_state_before_the_step_and_the_clipped_torque()
    {
        var env = new PendulumEnvironment();
        env.SetState([Math.PI, 0.0]);
        StepResult<ReadOnlyMemory<float>> result = env.Step(new[] { 5f });
        // pi normalizes to -pi; torque 5 is clipped to 2.
        Assert.Equal(-((Math.PI * Math.PI) + (0.001 * 4)), result.Reward, 12);
        Assert.False(result.Terminated);
    }

    [Fact]
    public void Acrobot_torque_noise_is_seeded()
    {
        var options = new AcrobotOptions { TorqueNoiseMax = 0.5 };
        var a = new AcrobotEnvironment(options);
        var b = new AcrobotEnvironment(options);
        var quiet = new AcrobotEnvironment();
        a.Reset(seed: 11);
        b.Reset(seed: 11);
        quiet.Reset(seed: 11);
        for (int i = 0; i < 5; i++)
        {
            a.Step(2);
            b.Step(2);
            quiet.Step(2);
        }

        Assert.Equal(a.GetState(), b.GetState());
        Assert.NotEqual(quiet.GetState(), a.GetState());
    }

    [Fact]
    public void SinCos_gives_the_same_bits_as_Sin_and_Cos_on_this_platform()
    {
        // The environments use Math.SinCos where the reference calls sin and cos of one angle.
        var random = new Random(5);
        for (int i = 0; i < 200_000; i++)
        {
            double x = i < 100_000 ? (random.NextDouble() - 0.5) * 20 : (random.NextDouble() - 0.5) * 1e6;
            (double sin, double cos) = Math.SinCos(x);
            Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Sin(x)), BitConverter.DoubleToInt64Bits(sin));
            Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Cos(x)), BitConverter.DoubleToInt64Bits(cos));
        }
    }

    [Fact]
    public void Observations_are_views_of_the_environment_buffer()
    {
        var env = new CartPoleEnvironment();
        ReadOnlyMemory<float> first = env.Reset(seed: 3).Observation;
        float[] copy = first.ToArray();
        ReadOnlyMemory<float> second = env.Step(1).Observation;
        Assert.True(first.Span == second.Span || first.Span.Overlaps(second.Span));
        Assert.NotEqual(copy, first.ToArray()); // the old view now shows the new observation
    }

    [Fact]
    public void Steps_do_not_allocate()
    {
        using var cartPole = Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1");
        using var acrobot = Environments.Make<ReadOnlyMemory<float>, int>("Acrobot-v1");
        using var mountainCar = Environments.Make<ReadOnlyMemory<float>, int>("MountainCar-v0");
        using var pendulum = Environments.Make<ReadOnlyMemory<float>, ReadOnlyMemory<float>>("Pendulum-v1");
        ReadOnlyMemory<float> torque = new[] { 0.5f };

        long allocated = Allocations.Least(() =>
        {
            RunDiscrete(cartPole, 3000);
            RunDiscrete(acrobot, 3000);
            RunDiscrete(mountainCar, 3000);
            pendulum.Reset(seed: 0);
            for (int i = 0; i < 3000; i++)
            {
                if (pendulum.Step(torque).Done)
                {
                    pendulum.Reset();
                }
            }
        });

        Assert.Equal(0, allocated);
    }

    private static void RunDiscrete(IEnvironment<ReadOnlyMemory<float>, int> env, int steps)
    {
        env.Reset(seed: 0);
        for (int i = 0; i < steps; i++)
        {
            if (env.Step(i % 3 == 0 ? 0 : 1).Done)
            {
                env.Reset();
            }
        }
    }

    private static double[] ResetState(ClassicControlEnvironment env, int seed)
    {
        switch (env)
        {
            case IEnvironment<ReadOnlyMemory<float>, int> discrete:
                discrete.Reset(seed);
                break;
            case IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> continuous:
                continuous.Reset(seed);
                break;
        }

        return env.GetState();
    }
}
