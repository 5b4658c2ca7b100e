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

    /// <summary>Width of the reference's picture in pixels.</summary>
    internal const int ScreenWidth = 600;

    /// <summary>Height of the reference's picture in pixels.</summary>
    internal const int ScreenHeight = 400;

    /// <summary>Points of the reference's mountain curve (<c>np.linspace(min_position, max_position, 100)</c>).</summary>
    private const int CurvePoints = 100;

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

    /// <summary>Gymnasium's <c>metadata["render_fps"]</c> of MountainCar: 30.</summary>
    public override int RenderFps => 30;

    /// <inheritdoc/>
    private protected override (int Width, int Height) ScreenSize => (ScreenWidth, ScreenHeight);

    /// <inheritdoc/>
    private protected override void DrawScene(RgbImage surface, ReadOnlySpan<double> state) =>
        DrawMountainCar(surface, state[0], GoalPosition);

    /// <summary>
    /// The reference's scene of both mountain cars (<c>render</c> of <c>MountainCarEnv</c> and
    /// <c>Continuous_MountainCarEnv</c>, the same code): 1.8 world units over 600 px, the black curve
    /// 0.45 sin(3x) + 0.55 through 100 points, the black 40 x 20 car 10 px above the curve at
    /// <paramref name="position"/>, turned by cos(3 position) radians (the reference's angle, not the slope's), two
    /// (128, 128, 128) wheels of radius 8, and the flag at <paramref name="goalPosition"/>: a black pole of 50 px from
    /// the curve up, pygame's column int((goal + 1.2) * scale), and a (204, 204, 0) triangle at its top.
    /// </summary>
    internal static void DrawMountainCar(RgbImage surface, double position, double goalPosition)
    {
        const double Scale = ScreenWidth / (MaxPosition - MinPosition);
        const double CarWidth = 40;
        const double CarHeight = 20;
        const double Clearance = 10;
        var black = new Rgb(0, 0, 0);

        Span<(double X, double Y)> curve = stackalloc (double X, double Y)[CurvePoints];
        const double Step = (MaxPosition - MinPosition) / (CurvePoints - 1);
        for (int k = 0; k < CurvePoints; k++)
        {
            double x = k == CurvePoints - 1 ? MaxPosition : MinPosition + (k * Step); // linspace ends exactly at stop
            curve[k] = ((x - MinPosition) * Scale, Height(x) * Scale);
        }

        Raster.DrawPolyline(surface, curve, black);

        (double sin, double cos) = Math.SinCos(Math.Cos(3 * position));
        double baseX = (position - MinPosition) * Scale;
        double baseY = Clearance + (Height(position) * Scale);
        const double L = -CarWidth / 2, R = CarWidth / 2, T = CarHeight, B = 0;
        ReadOnlySpan<(double X, double Y)> car =
        [
            ((L * cos) - (B * sin) + baseX, (L * sin) + (B * cos) + baseY),
            ((L * cos) - (T * sin) + baseX, (L * sin) + (T * cos) + baseY),
            ((R * cos) - (T * sin) + baseX, (R * sin) + (T * cos) + baseY),
            ((R * cos) - (B * sin) + baseX, (R * sin) + (B * cos) + baseY),
        ];
        Raster.FillPolygon(surface, car, black);

        ReadOnlySpan<double> wheelOffsets = [CarWidth / 4, -CarWidth / 4];
        foreach (double offset in wheelOffsets)
        {
            Raster.FillCircle(surface, Math.Truncate((offset * cos) + baseX), Math.Truncate((offset * sin) + baseY), Math.Truncate(CarHeight / 2.5), new Rgb(128, 128, 128));
        }

        int flagX = (int)((goalPosition - MinPosition) * Scale);
        int flagY1 = (int)(Height(goalPosition) * Scale);
        int flagY2 = flagY1 + 50;
        Raster.VerticalLine(surface, flagX, flagY1, flagY2, black);
        ReadOnlySpan<(double X, double Y)> flag = [(flagX, flagY2), (flagX, flagY2 - 10), (flagX + 25, flagY2 - 5)];
        Raster.FillPolygon(surface, flag, new Rgb(204, 204, 0));
    }

    /// <summary>The reference's <c>_height</c>: the mountain's height at <paramref name="x"/>.</summary>
    private static double Height(double x) => (Math.Sin(3 * x) * 0.45) + 0.55;

    internal static Box CreateObservationSpace() =>
        new([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> FeatureNames => s_featureNames;

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
