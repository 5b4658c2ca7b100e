using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// MountainCar-v0, a bit-exact port of Gymnasium's <c>MountainCarEnv</c>: push a car (action 0 left,
/// 1 none, 2 right) up the right hill. State [position, velocity] in float64, semi-implicit Euler,
/// reward -1 per step. No time limit here: the registry adds TimeLimit(200).
/// </summary>
public sealed class MountainCarEnvironment : ClassicControlEnvironment, IEnvironment<ReadOnlyMemory<float>, int>
{
    private static readonly string[] s_featureNames = ["position", "velocity"];
    private static readonly string[] s_actionNames = ["accelerate left", "do not accelerate", "accelerate right"];

    private const double MinPosition = -1.2;
    private const double MaxPosition = 0.6;
    private const double MaxSpeed = 0.07;
    private const double GoalPosition = 0.5;
    private const double Force = 0.001;
    private const double Gravity = 0.0025;

    private readonly double _goalVelocity;

    /// <summary>Creates the environment with default options.</summary>
    public MountainCarEnvironment()
        : this(new MountainCarOptions())
    {
    }

    /// <summary>Creates the environment.</summary>
    public MountainCarEnvironment(MountainCarOptions options)
        : base("MountainCar", 2, CreateObservationSpace(), new Discrete(3))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _goalVelocity = options.GoalVelocity;
    }

    /// <summary>The options this environment was built with.</summary>
    public MountainCarOptions Options { get; }

    /// <summary>Accelerates: 0 left, 1 no push, 2 right.</summary>
    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        CheckDiscreteAction(action, 3);
        EnsureRunning();
        Span<double> state = State;
        double position = state[0];
        double velocity = state[1];

        velocity += ((action - 1) * Force) + (Math.Cos(3 * position) * -Gravity);
        velocity = Math.Min(Math.Max(velocity, -MaxSpeed), MaxSpeed);
        position += velocity;
        position = Math.Min(Math.Max(position, MinPosition), MaxPosition);
        if (position == MinPosition && velocity < 0)
        {
            velocity = 0;
        }

        bool terminated = position >= GoalPosition && velocity >= _goalVelocity;
        state[0] = position;
        state[1] = velocity;
        WriteObservation();
        return Finish(-1.0, terminated);
    }

    private protected override void SampleInitialState(EnvironmentRandom random, Span<double> state)
    {
        state[0] = random.Uniform(-0.6, -0.4);
        state[1] = 0;
    }

    private protected override void WriteObservation()
    {
        Observation[0] = (float)State[0];
        Observation[1] = (float)State[1];
    }

    internal static Box CreateObservationSpace() =>
        new([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> FeatureNames => s_featureNames;

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
