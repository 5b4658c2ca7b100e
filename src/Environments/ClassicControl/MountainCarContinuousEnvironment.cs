using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// MountainCarContinuous-v0, a bit-exact port of Gymnasium's <c>Continuous_MountainCarEnv</c> (NumPy 1.x
/// promotion): the force is the action clipped to [-1, 1]; the reward is 100 on reaching the goal
/// minus 0.1 * action^2 of the UNCLIPPED action. As in the reference, the state is stored as float32
/// after every step (the arithmetic inside a step is float64), and actions outside [-1, 1] are accepted
/// and clipped. No time limit here: the registry adds TimeLimit(999).
/// </summary>
public sealed class MountainCarContinuousEnvironment : ClassicControlEnvironment, IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>>
{
    private static readonly string[] s_featureNames = ["position", "velocity"];
    private static readonly string[] s_actionNames = ["force"];

    private const double MinAction = -1.0;
    private const double MaxAction = 1.0;
    private const double MinPosition = -1.2;
    private const double MaxPosition = 0.6;
    private const double MaxSpeed = 0.07;
    private const double GoalPosition = 0.45;
    private const double Power = 0.0015;

    private readonly double _goalVelocity;
    private readonly bool _weak;

    /// <summary>Creates the environment with default options.</summary>
    public MountainCarContinuousEnvironment()
        : this(new MountainCarOptions())
    {
    }

    /// <summary>Creates the environment.</summary>
    public MountainCarContinuousEnvironment(MountainCarOptions options)
        : base("MountainCarContinuous", 2, MountainCarEnvironment.CreateObservationSpace(), new Box([(float)MinAction], [(float)MaxAction]))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _goalVelocity = options.GoalVelocity;
        _weak = options.NumpyPromotion == NumpyPromotion.Weak;
    }

    /// <summary>The options this environment was built with.</summary>
    public MountainCarOptions Options { get; }

    /// <summary>Pushes with force action[0] (clipped to [-1, 1]; the penalty uses the unclipped value).</summary>
    public StepResult<ReadOnlyMemory<float>> Step(ReadOnlyMemory<float> action)
    {
        ReadOnlySpan<float> values = action.Span;
        CheckContinuousAction(values, 1);
        EnsureRunning();
        Span<double> state = State;
        double position = state[0];
        double velocity = state[1];
        double a = values[0];
        if (_weak)
        {
            return StepWeak(values[0]);
        }

        double force = Math.Min(Math.Max(a, MinAction), MaxAction);
        velocity += (force * Power) - (0.0025 * Math.Cos(3 * position));
        if (velocity > MaxSpeed)
        {
            velocity = MaxSpeed;
        }

        if (velocity < -MaxSpeed)
        {
            velocity = -MaxSpeed;
        }

        position += velocity;
        if (position > MaxPosition)
        {
            position = MaxPosition;
        }

        if (position < MinPosition)
        {
            position = MinPosition;
        }

        if (position == MinPosition && velocity < 0)
        {
            velocity = 0;
        }

        bool terminated = position >= GoalPosition && velocity >= _goalVelocity;
        double reward = terminated ? 100.0 : 0.0;
        reward -= Math.Pow(a, 2) * 0.1;

        // The reference stores the new state as float32.
        state[0] = (float)position;
        state[1] = (float)velocity;
        WriteObservation();
        return Finish(reward, terminated);
    }

    /// <summary>
    /// The same step under NumPy 2 promotion, every operation typed as NumPy 2 types it. The state is
    /// float64 after a reset and float32 after a step; a state set from outside counts as float32 when
    /// both values are float32 numbers.
    /// </summary>
    private StepResult<ReadOnlyMemory<float>> StepWeak(float action)
    {
        Span<double> state = State;
        bool stateIsFloat32 = (float)state[0] == state[0] && (float)state[1] == state[1];
        NumpyScalar position = stateIsFloat32 ? NumpyScalar.F32(state[0]) : NumpyScalar.F64(state[0]);
        NumpyScalar velocity = stateIsFloat32 ? NumpyScalar.F32(state[1]) : NumpyScalar.F64(state[1]);
        NumpyScalar a = NumpyScalar.F32(action);

        // Python's max(x, y) is y only when y > x; min(x, y) is y only when y < x.
        NumpyScalar force = NumpyScalar.Greater(NumpyScalar.Py(MinAction), a) ? NumpyScalar.Py(MinAction) : a;
        force = NumpyScalar.Greater(force, NumpyScalar.Py(MaxAction)) ? NumpyScalar.Py(MaxAction) : force;
        NumpyScalar angle = NumpyScalar.Py(3) * position;
        NumpyScalar gravity = NumpyScalar.Py(0.0025 * Math.Cos(angle.Value));
        velocity += (force * NumpyScalar.Py(Power)) - gravity;
        if (NumpyScalar.Greater(velocity, NumpyScalar.Py(MaxSpeed)))
        {
            velocity = NumpyScalar.Py(MaxSpeed);
        }

        if (NumpyScalar.Greater(NumpyScalar.Py(-MaxSpeed), velocity))
        {
            velocity = NumpyScalar.Py(-MaxSpeed);
        }

        position += velocity;
        if (NumpyScalar.Greater(position, NumpyScalar.Py(MaxPosition)))
        {
            position = NumpyScalar.Py(MaxPosition);
        }

        if (NumpyScalar.Greater(NumpyScalar.Py(MinPosition), position))
        {
            position = NumpyScalar.Py(MinPosition);
        }

        if (NumpyScalar.Equal(position, NumpyScalar.Py(MinPosition)) && NumpyScalar.Greater(NumpyScalar.Py(0), velocity))
        {
            velocity = NumpyScalar.Py(0);
        }

        bool terminated = !NumpyScalar.Greater(NumpyScalar.Py(GoalPosition), position)
            && !NumpyScalar.Greater(NumpyScalar.Py(_goalVelocity), velocity);
        double reward = terminated ? 100.0 : 0.0;
        reward -= Math.Pow(action, 2) * 0.1;
        state[0] = (float)position.Value;
        state[1] = (float)velocity.Value;
        WriteObservation();
        return Finish(reward, terminated);
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

    /// <summary>Gymnasium's <c>metadata["render_fps"]</c> of MountainCarContinuous: 30.</summary>
    public override int RenderFps => 30;

    /// <inheritdoc/>
    private protected override (int Width, int Height) ScreenSize => (MountainCarEnvironment.ScreenWidth, MountainCarEnvironment.ScreenHeight);

    /// <summary>The reference's scene, MountainCar's (<see cref="MountainCarEnvironment.DrawMountainCar"/>) with the flag at 0.45.</summary>
    private protected override void DrawScene(RgbImage surface, ReadOnlySpan<double> state) =>
        MountainCarEnvironment.DrawMountainCar(surface, state[0], GoalPosition);

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> FeatureNames => s_featureNames;

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
