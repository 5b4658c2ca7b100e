using System.Runtime.CompilerServices;
using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// Acrobot-v1, a bit-exact port of Gymnasium's <c>AcrobotEnv</c>: two links, torque -1, 0 or +1 on the
/// joint (actions 0, 1, 2); swing the tip above the bar. One classic RK4 step of 0.2 s on
/// [theta1, theta2, dtheta1, dtheta2, torque] with g = 9.8; angles wrapped into [-pi, pi] by repeated
/// +-2pi, velocities bounded. Reward -1 per step and 0 on the terminating one. The reset state is
/// drawn in float32 as in the reference. No time limit here: the registry adds TimeLimit(500).
/// </summary>
public sealed class AcrobotEnvironment : ClassicControlEnvironment, IEnvironment<ReadOnlyMemory<float>, int>
{
    private static readonly string[] s_featureNames = ["cos(theta1)", "sin(theta1)", "cos(theta2)", "sin(theta2)", "theta1 angular velocity", "theta2 angular velocity"];
    private static readonly string[] s_actionNames = ["torque -1", "torque 0", "torque +1"];

    private const double Dt = 0.2;
    private const double LinkLength1 = 1.0;
    private const double LinkMass1 = 1.0;
    private const double LinkMass2 = 1.0;
    private const double LinkComPos1 = 0.5;
    private const double LinkComPos2 = 0.5;
    private const double LinkMoi = 1.0;
    private const double G = 9.8;
    private const double MaxVel1 = 4 * Math.PI;
    private const double MaxVel2 = 9 * Math.PI;
    private const double LinkLength2 = 1.0;

    /// <summary>Width and height of the reference's picture in pixels (<c>SCREEN_DIM</c>).</summary>
    internal const int ScreenDim = 500;

    // Constant prefixes of the reference's left-to-right products (exact: they are evaluated first there too).
    private static readonly double s_lc1Squared = Math.Pow(LinkComPos1, 2);
    private static readonly double s_l1Squared = Math.Pow(LinkLength1, 2);
    private static readonly double s_lc2Squared = Math.Pow(LinkComPos2, 2);
    private static readonly double s_d1Coupling = 2 * LinkLength1 * LinkComPos2;
    private static readonly double s_d2Coupling = LinkLength1 * LinkComPos2;
    private static readonly double s_phi2Factor = LinkMass2 * LinkComPos2 * G;
    private static readonly double s_phi1Term1 = -LinkMass2 * LinkLength1 * LinkComPos2;
    private static readonly double s_phi1Term2 = 2 * LinkMass2 * LinkLength1 * LinkComPos2;
    private static readonly double s_phi1Term3 = ((LinkMass1 * LinkComPos1) + (LinkMass2 * LinkLength1)) * G;
    private static readonly double s_bookTerm = LinkMass2 * LinkLength1 * LinkComPos2;
    private static readonly double s_denominatorBase = (LinkMass2 * s_lc2Squared) + LinkMoi;

    private readonly bool _book;
    private readonly double _torqueNoiseMax;

    /// <summary>Creates the environment with default options.</summary>
    public AcrobotEnvironment()
        : this(new AcrobotOptions())
    {
    }

    /// <summary>Creates the environment.</summary>
    public AcrobotEnvironment(AcrobotOptions options)
        : base("Acrobot", 4, CreateObservationSpace(), new Discrete(3))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _book = options.BookOrNips == AcrobotDynamics.Book;
        _torqueNoiseMax = options.TorqueNoiseMax;
    }

    /// <summary>The options this environment was built with.</summary>
    public AcrobotOptions Options { get; }

    /// <summary>Applies torque -1 (action 0), 0 (1) or +1 (2) on the joint between the links.</summary>
    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        CheckDiscreteAction(action, 3);
        EnsureRunning();
        Span<double> state = State;
        double torque = action - 1.0;
        if (_torqueNoiseMax > 0)
        {
            torque += Random.Uniform(-_torqueNoiseMax, _torqueNoiseMax);
        }

        // rk4(_dsdt, [s, torque], [0, dt]): the torque's derivative is 0, so it stays constant.
        const double H = Dt - 0;
        const double H2 = H / 2.0;
        double y0 = state[0], y1 = state[1], y2 = state[2], y3 = state[3];
        Derivatives(y0, y1, y2, y3, torque, out double k10, out double k11, out double k12, out double k13);
        Derivatives(y0 + (H2 * k10), y1 + (H2 * k11), y2 + (H2 * k12), y3 + (H2 * k13), torque,
            out double k20, out double k21, out double k22, out double k23);
        Derivatives(y0 + (H2 * k20), y1 + (H2 * k21), y2 + (H2 * k22), y3 + (H2 * k23), torque,
            out double k30, out double k31, out double k32, out double k33);
        Derivatives(y0 + (H * k30), y1 + (H * k31), y2 + (H * k32), y3 + (H * k33), torque,
            out double k40, out double k41, out double k42, out double k43);
        const double Sixth = H / 6.0;
        double n0 = y0 + (Sixth * (k10 + (2 * k20) + (2 * k30) + k40));
        double n1 = y1 + (Sixth * (k11 + (2 * k21) + (2 * k31) + k41));
        double n2 = y2 + (Sixth * (k12 + (2 * k22) + (2 * k32) + k42));
        double n3 = y3 + (Sixth * (k13 + (2 * k23) + (2 * k33) + k43));

        state[0] = Wrap(n0);
        state[1] = Wrap(n1);
        state[2] = Math.Min(Math.Max(n2, -MaxVel1), MaxVel1);
        state[3] = Math.Min(Math.Max(n3, -MaxVel2), MaxVel2);

        double cos0 = WriteObservationAndCos0();
        bool terminated = -cos0 - Math.Cos(state[1] + state[0]) > 1.0;
        return Finish(terminated ? 0.0 : -1.0, terminated);
    }

    private protected override void SampleInitialState(EnvironmentRandom random, Span<double> state)
    {
        for (int i = 0; i < 4; i++)
        {
            state[i] = (float)random.Uniform(-0.1, 0.1);
        }
    }

    private protected override void WriteObservation() => WriteObservationAndCos0();

    private double WriteObservationAndCos0()
    {
        ReadOnlySpan<double> state = State;
        Span<float> observation = Observation;
        (double sin0, double cos0) = Math.SinCos(state[0]);
        (double sin1, double cos1) = Math.SinCos(state[1]);
        observation[0] = (float)cos0;
        observation[1] = (float)sin0;
        observation[2] = (float)cos1;
        observation[3] = (float)sin1;
        observation[4] = (float)state[2];
        observation[5] = (float)state[3];
        return cos0;
    }

    /// <summary>The reference's <c>_dsdt</c>, term by term in its order of operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Derivatives(double theta1, double theta2, double dtheta1, double dtheta2, double a,
        out double d0, out double d1Out, out double d2Out, out double d3)
    {
        (double sinTheta2, double cosTheta2) = Math.SinCos(theta2);
        double d1 = (LinkMass1 * s_lc1Squared) + (LinkMass2 * (s_l1Squared + s_lc2Squared + (s_d1Coupling * cosTheta2))) + LinkMoi + LinkMoi;
        double d2 = (LinkMass2 * (s_lc2Squared + (s_d2Coupling * cosTheta2))) + LinkMoi;
        double phi2 = s_phi2Factor * Math.Cos(theta1 + theta2 - (Math.PI / 2.0));
        double phi1 = (s_phi1Term1 * Math.Pow(dtheta2, 2) * sinTheta2)
            - (s_phi1Term2 * dtheta2 * dtheta1 * sinTheta2)
            + (s_phi1Term3 * Math.Cos(theta1 - (Math.PI / 2)))
            + phi2;
        double denominator = s_denominatorBase - (Math.Pow(d2, 2) / d1);
        double ddtheta2 = _book
            ? (a + (d2 / d1 * phi1) - (s_bookTerm * Math.Pow(dtheta1, 2) * sinTheta2) - phi2) / denominator
            : (a + (d2 / d1 * phi1) - phi2) / denominator;
        double ddtheta1 = -((d2 * ddtheta2) + phi1) / d1;
        d0 = dtheta1;
        d1Out = dtheta2;
        d2Out = ddtheta1;
        d3 = ddtheta2;
    }

    private static double Wrap(double x)
    {
        const double Diff = Math.PI - -Math.PI;
        while (x > Math.PI)
        {
            x -= Diff;
        }

        while (x < -Math.PI)
        {
            x += Diff;
        }

        return x;
    }

    /// <summary>Gymnasium's <c>metadata["render_fps"]</c> of Acrobot: 15.</summary>
    public override int RenderFps => 15;

    /// <inheritdoc/>
    private protected override (int Width, int Height) ScreenSize => (ScreenDim, ScreenDim);

    /// <summary>
    /// The reference's scene (<c>AcrobotEnv.render</c>): 2.2 world units from the centre to each side
    /// (500 / 4.4 px per unit), the black target line one link length above the pivot across the picture, and each
    /// link as a (0, 204, 204) rectangle 0.2 units wide from its joint (the pivot, then the elbow), with a
    /// (204, 204, 0) joint of radius 0.1 units on the pixel (int x, int y) of the joint. theta1 = 0 hangs straight down.
    /// </summary>
    private protected override void DrawScene(RgbImage surface, ReadOnlySpan<double> state)
    {
        const double Bound = LinkLength1 + LinkLength2 + 0.2;
        const double Scale = ScreenDim / (Bound * 2);
        const double Offset = ScreenDim / 2.0;
        double s0 = state[0], s1 = state[1];

        // The pivot and the elbow p1 as the reference computes them, then its [:, ::-1] (x and y swapped). It also
        // computes the tip p2, but zips three points with two links: nothing is drawn at the tip.
        double p1x = -LinkLength1 * Math.Cos(s0) * Scale, p1y = LinkLength1 * Math.Sin(s0) * Scale;
        ReadOnlySpan<(double X, double Y)> joints = [(0, 0), (p1y, p1x)];
        ReadOnlySpan<double> thetas = [s0 - (Math.PI / 2), s0 + s1 - (Math.PI / 2)];
        ReadOnlySpan<double> linkLengths = [LinkLength1 * Scale, LinkLength2 * Scale];

        Raster.DrawLine(surface, ((-2.2 * Scale) + Offset, (1 * Scale) + Offset), ((2.2 * Scale) + Offset, (1 * Scale) + Offset), new Rgb(0, 0, 0));

        for (int k = 0; k < 2; k++)
        {
            double x = joints[k].X + Offset, y = joints[k].Y + Offset;
            (double sin, double cos) = Math.SinCos(thetas[k]);
            double l = 0, r = linkLengths[k], t = 0.1 * Scale, b = -0.1 * Scale;
            ReadOnlySpan<(double X, double Y)> link =
            [
                ((l * cos) - (b * sin) + x, (l * sin) + (b * cos) + y),
                ((l * cos) - (t * sin) + x, (l * sin) + (t * cos) + y),
                ((r * cos) - (t * sin) + x, (r * sin) + (t * cos) + y),
                ((r * cos) - (b * sin) + x, (r * sin) + (b * cos) + y),
            ];
            Raster.FillPolygon(surface, link, new Rgb(0, 204, 204));
            Raster.FillCircle(surface, Math.Truncate(x), Math.Truncate(y), Math.Truncate(0.1 * Scale), new Rgb(204, 204, 0));
        }
    }

    private static Box CreateObservationSpace() => new(
        [-1f, -1f, -1f, -1f, (float)-MaxVel1, (float)-MaxVel2],
        [1f, 1f, 1f, 1f, (float)MaxVel1, (float)MaxVel2]);

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> FeatureNames => s_featureNames;

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
