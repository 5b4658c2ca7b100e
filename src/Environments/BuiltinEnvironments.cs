using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.ToyText;

namespace RLFramework.Environments;

/// <summary>
/// Registers the built-in environments; called once by the registry's static initialization.
/// Ids, time limits, reward thresholds and default options are Gymnasium's. Each factory reads the
/// reference's keyword names from the options (attributes such as CartPole's
/// <c>kinematics_integrator</c> or Acrobot's <c>book_or_nips</c> are accepted as options too) and
/// rejects any other name. Pendulum and MountainCarContinuous also take <c>numpy_promotion</c>
/// ("legacy" or "weak", see <see cref="NumpyPromotion"/>); CartPole takes <c>numpy_seeding</c> (Python's seeded
/// initial states, see <see cref="CartPoleOptions.NumpySeeding"/>).
/// </summary>
internal static class BuiltinEnvironments
{
    private static readonly Dictionary<string, object?> s_none = [];

    internal static void RegisterAll()
    {
        EnvironmentRegistry.Register(new EnvironmentSpec("CartPole-v1", 500, 475.0, s_none), CartPole);
        EnvironmentRegistry.Register(new EnvironmentSpec("MountainCar-v0", 200, -110.0, s_none), MountainCar);
        EnvironmentRegistry.Register(new EnvironmentSpec("MountainCarContinuous-v0", 999, 90.0, s_none), MountainCarContinuous);
        EnvironmentRegistry.Register(new EnvironmentSpec("Pendulum-v1", 200, null, s_none), Pendulum);
        EnvironmentRegistry.Register(new EnvironmentSpec("Acrobot-v1", 500, -100.0, s_none), Acrobot);
        EnvironmentRegistry.Register(
            new EnvironmentSpec("FrozenLake-v1", 100, 0.70, new Dictionary<string, object?> { ["map_name"] = "4x4" }), FrozenLake);
        EnvironmentRegistry.Register(
            new EnvironmentSpec("FrozenLake8x8-v1", 200, 0.85, new Dictionary<string, object?> { ["map_name"] = "8x8" }), FrozenLake);
        EnvironmentRegistry.Register(new EnvironmentSpec("Taxi-v3", 200, 8.0, s_none), Taxi);
        EnvironmentRegistry.Register(new EnvironmentSpec("CliffWalking-v0", null, null, s_none), CliffWalking);
        MiniGrid.MiniGridEnvironments.RegisterAll();
    }

    internal static CartPoleEnvironment CartPole(EnvironmentOptions options)
    {
        options.ThrowIfUnknown("CartPole-v1", "sutton_barto_reward", "kinematics_integrator", "numpy_seeding");
        return new CartPoleEnvironment(new CartPoleOptions
        {
            SuttonBartoReward = options.GetBool("sutton_barto_reward", false),
            KinematicsIntegrator = CartPoleOptions.ParseIntegrator(options.GetString("kinematics_integrator", "euler")!),
            NumpySeeding = options.GetBool("numpy_seeding", false),
        });
    }

    internal static MountainCarEnvironment MountainCar(EnvironmentOptions options)
    {
        options.ThrowIfUnknown("MountainCar-v0", "goal_velocity");
        return new MountainCarEnvironment(new MountainCarOptions { GoalVelocity = options.GetDouble("goal_velocity", 0) });
    }

    internal static MountainCarContinuousEnvironment MountainCarContinuous(EnvironmentOptions options)
    {
        options.ThrowIfUnknown("MountainCarContinuous-v0", "goal_velocity", "numpy_promotion");
        return new MountainCarContinuousEnvironment(new MountainCarOptions
        {
            GoalVelocity = options.GetDouble("goal_velocity", 0),
            NumpyPromotion = NumpyPromotions.Parse(options.GetString("numpy_promotion", "legacy")!),
        });
    }

    internal static PendulumEnvironment Pendulum(EnvironmentOptions options)
    {
        options.ThrowIfUnknown("Pendulum-v1", "g", "numpy_promotion");
        return new PendulumEnvironment(new PendulumOptions
        {
            G = options.GetDouble("g", 10.0),
            NumpyPromotion = NumpyPromotions.Parse(options.GetString("numpy_promotion", "legacy")!),
        });
    }

    internal static AcrobotEnvironment Acrobot(EnvironmentOptions options)
    {
        options.ThrowIfUnknown("Acrobot-v1", "book_or_nips", "torque_noise_max");
        return new AcrobotEnvironment(new AcrobotOptions
        {
            BookOrNips = AcrobotOptions.ParseDynamics(options.GetString("book_or_nips", "book")!),
            TorqueNoiseMax = options.GetDouble("torque_noise_max", 0.0),
        });
    }

    internal static FrozenLakeEnvironment FrozenLake(EnvironmentOptions options)
    {
        options.ThrowIfUnknown("FrozenLake-v1", "desc", "map_name", "is_slippery", "success_rate", "reward_schedule");
        // map_name=None (given, null) with no desc asks for the reference's random map.
        bool mapNameIsNone = !options.Has("map_name") && ContainsName(options, "map_name");
        var defaults = new FrozenLakeOptions();
        return new FrozenLakeEnvironment(new FrozenLakeOptions
        {
            Desc = options.GetStringArray("desc", null),
            MapName = mapNameIsNone ? null : options.GetString("map_name", "4x4"),
            IsSlippery = options.GetBool("is_slippery", true),
            SuccessRate = options.GetDouble("success_rate", 1.0 / 3.0),
            RewardSchedule = options.GetDoubleArray("reward_schedule", null) ?? defaults.RewardSchedule,
        });
    }

    internal static TaxiEnvironment Taxi(EnvironmentOptions options)
    {
        options.ThrowIfUnknown("Taxi-v3", "is_rainy", "fickle_passenger");
        return new TaxiEnvironment(new TaxiOptions
        {
            IsRainy = options.GetBool("is_rainy", false),
            FicklePassenger = options.GetBool("fickle_passenger", false),
        });
    }

    internal static CliffWalkingEnvironment CliffWalking(EnvironmentOptions options)
    {
        options.ThrowIfUnknown("CliffWalking-v0", "is_slippery");
        return new CliffWalkingEnvironment(new CliffWalkingOptions { IsSlippery = options.GetBool("is_slippery", false) });
    }

    private static bool ContainsName(EnvironmentOptions options, string name)
    {
        foreach (string n in options.Names)
        {
            if (n == name)
            {
                return true;
            }
        }

        return false;
    }
}
