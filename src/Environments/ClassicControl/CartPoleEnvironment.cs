using System.Numerics;
using System.Runtime.CompilerServices;
using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// CartPole-v1, a port of Gymnasium's <c>CartPoleEnv</c> that reproduces it bit for bit: a pole on a
/// cart, action 0 pushes left and 1 pushes right. State [x, x_dot, theta, theta_dot] in float64,
/// observation its float32 cast. Reward 1 per step (including the terminating one) unless
/// <see cref="CartPoleOptions.SuttonBartoReward"/>. No time limit here: the registry adds TimeLimit(500).
/// </summary>
public sealed class CartPoleEnvironment : ClassicControlEnvironment, IEnvironment<ReadOnlyMemory<float>, int>
{
    private static readonly string[] s_featureNames = ["cart position", "cart velocity", "pole angle", "pole angular velocity"];
    private static readonly string[] s_actionNames = ["push left", "push right"];

    /// <summary>Magnitude of the force of an action (the reference's <c>force_mag</c>).</summary>
    internal const double ForceMag = 10.0;

    /// <summary>The cart position beyond which an episode terminates (<c>x_threshold</c>).</summary>
    internal const double XThreshold = 2.4;

    /// <summary>The bound of the uniform initial state, U(-0.05, 0.05) per component.</summary>
    internal const double InitialStateBound = 0.05;

    private const double Gravity = 9.8;
    private const double MassCart = 1.0;
    private const double MassPole = 0.1;
    private const double TotalMass = MassPole + MassCart;
    private const double Length = 0.5; // half the pole's length
    private const double PoleMassLength = MassPole * Length;
    private const double Tau = 0.02;

    /// <summary>Width of the reference's picture in pixels.</summary>
    internal const int ScreenWidth = 600;

    /// <summary>Height of the reference's picture in pixels.</summary>
    internal const int ScreenHeight = 400;

    /// <summary>The angle beyond which an episode terminates (<c>theta_threshold_radians</c>).</summary>
    internal static readonly double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;

    private readonly bool _suttonBartoReward;
    private readonly bool _euler;
    private double _preparedTheta = double.NaN;
    private double _preparedSin = double.NaN;
    private double _preparedCos = double.NaN;

    /// <summary>Creates the environment with default options.</summary>
    public CartPoleEnvironment()
        : this(new CartPoleOptions())
    {
    }

    /// <summary>Creates the environment.</summary>
    public CartPoleEnvironment(CartPoleOptions options)
        : base("CartPole", 4, CreateObservationSpace(), new Discrete(2), (options ?? throw new ArgumentNullException(nameof(options))).NumpySeeding)
    {
        options.Validate();
        Options = options;
        _suttonBartoReward = options.SuttonBartoReward;
        _euler = options.KinematicsIntegrator == CartPoleIntegrator.Euler;
    }

    /// <summary>The options this environment was built with.</summary>
    public CartPoleOptions Options { get; }

    /// <summary>Pushes the cart: 0 left, 1 right.</summary>
    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        bool terminated = Advance(action, out double reward);
        return Finish(reward, terminated);
    }

    /// <inheritdoc/>
    internal override bool HasFlatDiscreteStep => true;

    /// <inheritdoc/>
    internal override bool StepDiscrete(int action, out double reward)
    {
        bool terminated = Advance(action, out reward);
        EndIfTerminated(terminated);
        return terminated;
    }

    /// <summary>
    /// Computes sin and cos of the current angle ahead of the step (the vector environment does it for
    /// all its sub-environments first: independent calls that the CPU overlaps).
    /// </summary>
    internal void PrepareStep()
    {
        double theta = State[2];
        (_preparedSin, _preparedCos) = Math.SinCos(theta);
        _preparedTheta = theta;
    }

    /// <summary>One step of the dynamics: checks, state and observation written, reward out, terminated returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Advance(int action, out double reward)
    {
        CheckDiscreteAction(action, 2);
        EnsureRunning();
        Span<double> state = State;
        double thetaDot = state[3]; // highest index first: one bounds check
        double theta = state[2];
        double xDot = state[1];
        double x = state[0];

        double force = action == 1 ? ForceMag : -ForceMag;
        // glibc's sincos gives the same bits as its sin and cos (the golden tests check this).
        // A pure function: the value PrepareStep computed for these exact bits of theta is the same.
        (double sinTheta, double cosTheta) = BitConverter.DoubleToInt64Bits(theta) == BitConverter.DoubleToInt64Bits(_preparedTheta)
            ? (_preparedSin, _preparedCos)
            : Math.SinCos(theta);
        Integrate<double, ScalarLanes>(_euler, force, sinTheta, cosTheta, ref x, ref xDot, ref theta, ref thetaDot);

        state[3] = thetaDot; // highest index first: one bounds check
        state[2] = theta;
        state[1] = xDot;
        state[0] = x;
        Span<float> observation = Observation;
        observation[3] = (float)thetaDot;
        observation[2] = (float)theta;
        observation[1] = (float)xDot;
        observation[0] = (float)x;

        bool terminated = IsTerminal(x, theta);
        reward = Reward(terminated, _suttonBartoReward);
        return terminated;
    }

    /// <summary>
    /// The equations of motion of one step, in the reference's order of operations (bit for bit):
    /// the state advanced by one step of <paramref name="force"/>, given sin and cos of the angle.
    /// <typeparamref name="T"/> is a double, or a vector of doubles that steps several environments at
    /// once with the same IEEE operations per lane (<see cref="CartPoleVectorEnvironment"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Integrate<T, TLanes>(bool euler, T force, T sinTheta, T cosTheta, ref T x, ref T xDot, ref T theta, ref T thetaDot)
        where T : IAdditionOperators<T, T, T>, ISubtractionOperators<T, T, T>, IMultiplyOperators<T, T, T>, IDivisionOperators<T, T, T>
        where TLanes : struct, IDoubleLanes<T>
    {
        T tau = TLanes.Broadcast(Tau);
        T totalMass = TLanes.Broadcast(TotalMass);
        T poleMassLength = TLanes.Broadcast(PoleMassLength);

        // Reference order of operations; np.square(v) is v * v.
        T temp = (force + (poleMassLength * (thetaDot * thetaDot) * sinTheta)) / totalMass;
        T thetaAcc = ((TLanes.Broadcast(Gravity) * sinTheta) - (cosTheta * temp))
            / (TLanes.Broadcast(Length) * (TLanes.Broadcast(4.0 / 3.0) - (TLanes.Broadcast(MassPole) * (cosTheta * cosTheta) / totalMass)));
        T xAcc = temp - (poleMassLength * thetaAcc * cosTheta / totalMass);

        if (euler)
        {
            x += tau * xDot;
            xDot += tau * xAcc;
            theta += tau * thetaDot;
            thetaDot += tau * thetaAcc;
        }
        else
        {
            xDot += tau * xAcc;
            x += tau * xDot;
            thetaDot += tau * thetaAcc;
            theta += tau * thetaDot;
        }
    }

    /// <summary>Whether the cart left the track or the pole fell past the threshold angle (no branches: the test is rarely true).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsTerminal(double x, double theta) =>
        (x < -XThreshold) | (x > XThreshold) | (theta < -ThetaThresholdRadians) | (theta > ThetaThresholdRadians);

    /// <summary>The reward of a step: 1 per step, or with Sutton and Barto's reward 0 per step and -1 on termination.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Reward(bool terminated, bool suttonBartoReward) => terminated
        ? (suttonBartoReward ? -1.0 : 1.0)
        : (suttonBartoReward ? 0.0 : 1.0);

    private protected override void SampleInitialState(EnvironmentRandom random, Span<double> state)
    {
        for (int i = 0; i < 4; i++)
        {
            state[i] = random.Uniform(-InitialStateBound, InitialStateBound);
        }
    }

    private protected override void WriteObservation()
    {
        ReadOnlySpan<double> state = State;
        Span<float> observation = Observation;
        observation[0] = (float)state[0];
        observation[1] = (float)state[1];
        observation[2] = (float)state[2];
        observation[3] = (float)state[3];
    }

    private static Box CreateObservationSpace()
    {
        float xLimit = (float)(XThreshold * 2);
        float thetaLimit = (float)(12 * 2 * Math.PI / 360 * 2);
        return new Box(
            [-xLimit, float.NegativeInfinity, -thetaLimit, float.NegativeInfinity],
            [xLimit, float.PositiveInfinity, thetaLimit, float.PositiveInfinity]);
    }

    /// <summary>Gymnasium's <c>metadata["render_fps"]</c> of CartPole: 50.</summary>
    public override int RenderFps => 50;

    /// <inheritdoc/>
    private protected override (int Width, int Height) ScreenSize => (ScreenWidth, ScreenHeight);

    /// <summary>
    /// The reference's scene (<c>CartPoleEnv.render</c>): the track at 4.8 world units over 600 px (125 px per unit),
    /// a black 50 x 30 cart centred on (300 + 125 x, 100), a 10 px wide pole of (202, 152, 101) from the axle
    /// 7.5 px above the cart's centre, 125 px long to the end of its rectangle, turned clockwise by theta, a
    /// (129, 132, 203) axle of radius 5 on the pixel (int x, int y) of the axle, and the black track line across
    /// pygame's row 100 (row 299 of the flipped picture).
    /// </summary>
    private protected override void DrawScene(RgbImage surface, ReadOnlySpan<double> state)
    {
        const double Scale = ScreenWidth / (XThreshold * 2);
        const double PoleWidth = 10.0;
        const double PoleLength = Scale * (2 * Length);
        const double CartWidth = 50.0;
        const double CartHeight = 30.0;
        const double AxleOffset = CartHeight / 4.0;
        const int CartY = 100;

        double cartX = (state[0] * Scale) + (ScreenWidth / 2.0);
        const double L = -CartWidth / 2, R = CartWidth / 2, T = CartHeight / 2, B = -CartHeight / 2;
        ReadOnlySpan<(double X, double Y)> cart = [(L + cartX, B + CartY), (L + cartX, T + CartY), (R + cartX, T + CartY), (R + cartX, B + CartY)];
        Raster.FillPolygon(surface, cart, new Rgb(0, 0, 0));

        // pygame's Vector2.rotate_rad(-theta), then the axle's position.
        (double sin, double cos) = Math.SinCos(-state[2]);
        double axleY = CartY + AxleOffset;
        const double PoleL = -PoleWidth / 2, PoleR = PoleWidth / 2, PoleT = PoleLength - (PoleWidth / 2), PoleB = -PoleWidth / 2;
        ReadOnlySpan<(double X, double Y)> pole =
        [
            ((PoleL * cos) - (PoleB * sin) + cartX, (PoleL * sin) + (PoleB * cos) + axleY),
            ((PoleL * cos) - (PoleT * sin) + cartX, (PoleL * sin) + (PoleT * cos) + axleY),
            ((PoleR * cos) - (PoleT * sin) + cartX, (PoleR * sin) + (PoleT * cos) + axleY),
            ((PoleR * cos) - (PoleB * sin) + cartX, (PoleR * sin) + (PoleB * cos) + axleY),
        ];
        Raster.FillPolygon(surface, pole, new Rgb(202, 152, 101));

        Raster.FillCircle(surface, Math.Truncate(cartX), Math.Truncate(axleY), Math.Truncate(PoleWidth / 2), new Rgb(129, 132, 203));
        Raster.HorizontalLine(surface, 0, ScreenWidth, CartY, new Rgb(0, 0, 0));
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> FeatureNames => s_featureNames;

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
