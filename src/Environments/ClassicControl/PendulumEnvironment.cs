using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// Pendulum-v1, a bit-exact port of Gymnasium's <c>PendulumEnv</c> (NumPy 1.x promotion): swing a
/// pendulum up with a torque in [-2, 2]. State [theta, theta_dot] in float64, never wrapped;
/// observation [cos theta, sin theta, theta_dot] in float32. The cost uses the state before the step
/// and the clipped torque; torques outside [-2, 2] are accepted and clipped as in the reference.
/// No time limit here: the registry adds TimeLimit(200).
/// </summary>
public sealed class PendulumEnvironment : ClassicControlEnvironment, IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>>
{
    private static readonly string[] s_featureNames = ["cos(theta)", "sin(theta)", "angular velocity"];
    private static readonly string[] s_actionNames = ["torque"];

    private const double MaxSpeed = 8;
    private const double MaxTorque = 2.0;
    private const double Dt = 0.05;
    private const double Mass = 1.0;
    private const double Length = 1.0;

    /// <summary>Width and height of the reference's picture in pixels (<c>screen_dim</c>).</summary>
    internal const int ScreenDim = 500;

    private readonly double _gravityTerm;
    private readonly double _torqueTerm;
    private readonly bool _weak;

    /// <summary>Creates the environment with default options.</summary>
    public PendulumEnvironment()
        : this(new PendulumOptions())
    {
    }

    /// <summary>Creates the environment.</summary>
    public PendulumEnvironment(PendulumOptions options)
        : base("Pendulum", 2, new Box([-1f, -1f, (float)-MaxSpeed], [1f, 1f, (float)MaxSpeed]), new Box([(float)-MaxTorque], [(float)MaxTorque]))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        // The reference's constant sub-expressions, evaluated in its order.
        _gravityTerm = 3 * options.G / (2 * Length);
        _torqueTerm = 3.0 / (Mass * Math.Pow(Length, 2));
        _weak = options.NumpyPromotion == NumpyPromotion.Weak;
    }

    /// <summary>The options this environment was built with.</summary>
    public PendulumOptions Options { get; }

    /// <summary>Applies torque action[0] (clipped to [-2, 2]).</summary>
    public StepResult<ReadOnlyMemory<float>> Step(ReadOnlyMemory<float> action)
    {
        ReadOnlySpan<float> values = action.Span;
        CheckContinuousAction(values, 1);
        EnsureRunning();
        Span<double> state = State;
        double th = state[0];
        double thDot = state[1];

        float u = Math.Min(Math.Max(values[0], (float)-MaxTorque), (float)MaxTorque);
        double torqueCost, torque;
        if (_weak)
        {
            // NumPy 2: u is float32 and Python floats are weak, so these products are float32.
            torqueCost = 0.001f * MathF.Pow(u, 2);
            torque = (float)_torqueTerm * u;
        }
        else
        {
            torqueCost = 0.001 * Math.Pow(u, 2);
            torque = _torqueTerm * u;
        }

        double costs = Math.Pow(AngleNormalize(th), 2) + (0.1 * Math.Pow(thDot, 2)) + torqueCost;
        double newThDot = thDot + (((_gravityTerm * Math.Sin(th)) + torque) * Dt);
        newThDot = Math.Min(Math.Max(newThDot, -MaxSpeed), MaxSpeed);
        double newTh = th + (newThDot * Dt);

        state[0] = newTh;
        state[1] = newThDot;
        WriteObservation();
        return Finish(-costs, terminated: false);
    }

    /// <summary>((x + pi) mod 2pi) - pi with Python's floored modulo (C#'s % truncates).</summary>
    internal static double AngleNormalize(double x)
    {
        const double TwoPi = 2 * Math.PI;
        double mod = (x + Math.PI) % TwoPi;
        if (mod != 0)
        {
            if (mod < 0)
            {
                mod += TwoPi;
            }
        }
        else
        {
            mod = 0.0;
        }

        return mod - Math.PI;
    }

    private protected override void SampleInitialState(EnvironmentRandom random, Span<double> state)
    {
        state[0] = random.Uniform(-Math.PI, Math.PI);
        state[1] = random.Uniform(-1, 1);
    }

    private protected override void WriteObservation()
    {
        (double sin, double cos) = Math.SinCos(State[0]);
        Observation[0] = (float)cos;
        Observation[1] = (float)sin;
        Observation[2] = (float)State[1];
    }

    /// <summary>Gymnasium's <c>metadata["render_fps"]</c> of Pendulum: 30.</summary>
    public override int RenderFps => 30;

    /// <inheritdoc/>
    private protected override (int Width, int Height) ScreenSize => (ScreenDim, ScreenDim);

    /// <summary>
    /// The reference's scene (<c>PendulumEnv.render</c>) without its torque arrow: 2.2 world units from the centre to
    /// each side (500 / 4.4 px per unit), a (204, 77, 77) rod 1 unit long and 0.2 wide from the centre (pixel 250, 250),
    /// turned by theta + pi/2 so that theta = 0 points up, (204, 77, 77) discs of radius 0.1 units at both of its ends,
    /// and a black axle of radius 0.05 units. The reference also draws the image <c>clockwise.png</c> scaled by the
    /// last torque; this picture leaves it out (an image asset, not geometry), so it needs no memory of the last action.
    /// </summary>
    private protected override void DrawScene(RgbImage surface, ReadOnlySpan<double> state)
    {
        const double Bound = 2.2;
        const double Scale = ScreenDim / (Bound * 2);
        const int Offset = ScreenDim / 2;
        const double RodLength = 1 * Scale;
        const double RodWidth = 0.2 * Scale;
        var rodColor = new Rgb(204, 77, 77);

        (double sin, double cos) = Math.SinCos(state[0] + (Math.PI / 2));
        const double L = 0, R = RodLength, T = RodWidth / 2, B = -RodWidth / 2;
        ReadOnlySpan<(double X, double Y)> rod =
        [
            ((L * cos) - (B * sin) + Offset, (L * sin) + (B * cos) + Offset),
            ((L * cos) - (T * sin) + Offset, (L * sin) + (T * cos) + Offset),
            ((R * cos) - (T * sin) + Offset, (R * sin) + (T * cos) + Offset),
            ((R * cos) - (B * sin) + Offset, (R * sin) + (B * cos) + Offset),
        ];
        Raster.FillPolygon(surface, rod, rodColor);
        Raster.FillCircle(surface, Offset, Offset, Math.Truncate(RodWidth / 2), rodColor);
        Raster.FillCircle(surface, Math.Truncate((RodLength * cos) + Offset), Math.Truncate((RodLength * sin) + Offset), Math.Truncate(RodWidth / 2), rodColor);
        Raster.FillCircle(surface, Offset, Offset, Math.Truncate(0.05 * Scale), new Rgb(0, 0, 0));
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> FeatureNames => s_featureNames;

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
