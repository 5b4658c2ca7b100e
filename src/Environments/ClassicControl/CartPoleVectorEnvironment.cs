using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Vector;

namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// A native vector of CartPole-v1 environments (Gymnasium's <c>CartPoleVectorEnv</c>): the state of
/// all sub-environments in struct-of-arrays form, stepped in stages over all of them - the actions'
/// forces, sin and cos of every angle (<see cref="Math.SinCos"/>, as the single environment), the
/// equations of motion with the termination test and the observations (four environments at a time
/// in <see cref="Vector256{T}"/> registers on x86), then the time limit, rewards, flags and autoresets -
/// so that the CPU overlaps the independent per-environment dependency chains.
/// Every operation is the single <see cref="CartPoleEnvironment"/>'s, so the results equal, bit for
/// bit, a <see cref="SyncVectorEnvironment"/> over the registry's <c>CartPole-v1</c> (OrderEnforcing
/// and TimeLimit included) with the same options, seeds and autoreset mode: sub-environment i is seeded
/// with seed + i and draws its initial states from its own generator.
/// <see cref="VectorEnvironment.Make"/> returns this class for CartPole-v1 unless
/// <see cref="VectorOptions.Mode"/> asks for the generic <see cref="VectorMode.Sync"/> or
/// <see cref="VectorMode.Threaded"/> vector. Sub-environments are never stepped past termination
/// (autoreset), so there is no <c>steps_beyond_terminated</c> bookkeeping.
/// </summary>
public sealed class CartPoleVectorEnvironment : IVectorEnvironment
{
    private const string Name = "CartPole";
    private const int StateSize = 4;

    private readonly double[] _x;
    private readonly double[] _xDot;
    private readonly double[] _theta;
    private readonly double[] _thetaDot;
    private readonly double[] _sin;
    private readonly double[] _cos;
    private readonly double[] _force;
    private readonly int[] _elapsedSteps;
    private readonly bool[] _needsReset;
    private readonly EnvironmentRandom[] _random;
    private readonly bool _euler;
    private readonly bool _suttonBartoReward;
    private bool _hasReset;
    private bool _disposed;

    /// <summary>
    /// Creates <paramref name="numEnvs"/> CartPoles with <paramref name="options"/> (null: defaults),
    /// truncated after <paramref name="maxEpisodeSteps"/> steps (CartPole-v1's 500 by default).
    /// </summary>
    public CartPoleVectorEnvironment(
        int numEnvs,
        CartPoleOptions? options = null,
        AutoresetMode autoresetMode = AutoresetMode.NextStep,
        int maxEpisodeSteps = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpisodeSteps, 1);
        options ??= new CartPoleOptions();
        options.Validate();
        if (!Enum.IsDefined(autoresetMode))
        {
            throw new ArgumentOutOfRangeException(nameof(autoresetMode), autoresetMode, "Unknown autoreset mode.");
        }

        var single = new CartPoleEnvironment(options);
        SingleObservationSpace = single.ObservationSpace;
        SingleActionSpace = single.ActionSpace;
        Options = options;
        AutoresetMode = autoresetMode;
        MaxEpisodeSteps = maxEpisodeSteps;
        _euler = options.KinematicsIntegrator == CartPoleIntegrator.Euler;
        _suttonBartoReward = options.SuttonBartoReward;
        _x = new double[numEnvs];
        _xDot = new double[numEnvs];
        _theta = new double[numEnvs];
        _thetaDot = new double[numEnvs];
        _sin = new double[numEnvs];
        _cos = new double[numEnvs];
        _force = new double[numEnvs];
        _elapsedSteps = new int[numEnvs];
        _needsReset = new bool[numEnvs];
        _random = new EnvironmentRandom[numEnvs];
        for (int i = 0; i < numEnvs; i++)
        {
            _random[i] = EnvironmentRandom.Unseeded(options.NumpySeeding);
        }
    }

    /// <inheritdoc/>
    public int NumEnvs => _x.Length;

    /// <inheritdoc/>
    public Space SingleObservationSpace { get; }

    /// <inheritdoc/>
    public Space SingleActionSpace { get; }

    /// <inheritdoc/>
    public int ObservationSize => StateSize;

    /// <inheritdoc/>
    public int ActionSize => 1;

    /// <inheritdoc/>
    public AutoresetMode AutoresetMode { get; }

    /// <summary>The options every sub-environment has.</summary>
    public CartPoleOptions Options { get; }

    /// <summary>The time limit: an episode is truncated at this many steps.</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>The registry spec the sub-environments stand for (its id names them in error messages); null when constructed directly.</summary>
    public EnvironmentSpec? Spec { get; init; }

    /// <summary>Copies the float64 state [x, x_dot, theta, theta_dot] of sub-environment <paramref name="env"/> into <paramref name="state"/>.</summary>
    public void GetState(int env, Span<double> state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(env);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(env, NumEnvs);
        if (state.Length != StateSize)
        {
            StepErrors.StateWrongLength(Name, state.Length, StateSize);
        }

        state[0] = _x[env];
        state[1] = _xDot[env];
        state[2] = _theta[env];
        state[3] = _thetaDot[env];
    }

    /// <inheritdoc/>
    public void Reset(int? seed, Span<float> observations)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (observations.Length != NumEnvs * StateSize)
        {
            ThrowSize("observations", observations.Length, NumEnvs * StateSize);
        }

        for (int i = 0; i < NumEnvs; i++)
        {
            if (seed is int s)
            {
                _random[i].Reseed(unchecked(s + i));
            }

            ResetEnvironment(i, observations.Slice(i * StateSize, StateSize));
        }

        _hasReset = true;
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<int> actions, VectorStepBuffers results)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int n = NumEnvs;
        if (actions.Length != n)
        {
            ThrowSize("actions", actions.Length, n);
        }

        CheckResults(results);
        if (!_hasReset)
        {
            ThrowNotReset();
        }

        // Stage 1: check every action (none is applied when one is bad) and turn it into a force;
        // a sub-environment that resets in this step (NextStep mode) ignores its action.
        Span<double> force = _force;
        ReadOnlySpan<bool> needsReset = _needsReset;
        for (int i = 0; i < force.Length; i++)
        {
            int action = actions[i];
            if ((uint)action >= 2 && !needsReset[i])
            {
                StepErrors.DiscreteActionOutOfRange(Name, action, 2);
            }

            force[i] = ((action << 1) - 1) * CartPoleEnvironment.ForceMag; // +-10 exactly, without a branch on random actions
        }

        // Stage 2: sin and cos of every angle, independent calls that the CPU overlaps.
        ReadOnlySpan<double> thetaNow = _theta;
        Span<double> sin = _sin.AsSpan(0, thetaNow.Length);
        Span<double> cos = _cos.AsSpan(0, thetaNow.Length);
        for (int i = 0; i < thetaNow.Length; i++)
        {
            (sin[i], cos[i]) = Math.SinCos(thetaNow[i]);
        }

        // Stage 3: the equations of motion of every sub-environment (independent chains), the observations and the termination test.
        if (_euler)
        {
            Integrate<EulerIntegrator>(results.Observations, results.Terminated);
        }
        else
        {
            Integrate<SemiImplicitIntegrator>(results.Observations, results.Terminated);
        }

        // Stage 4: time limit, rewards, flags and autoresets.
        Finish(results);
    }

    /// <summary>Always throws: CartPole's actions are discrete.</summary>
    public void Step(ReadOnlySpan<float> actions, VectorStepBuffers results)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        throw new InvalidOperationException($"The sub-environments take discrete actions ({SingleActionSpace}); call Step with one int per environment.");
    }

    /// <summary>Marks the environment disposed (it holds no unmanaged resources).</summary>
    public void Dispose()
    {
        _disposed = true;
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Advances every sub-environment: four at a time in a <see cref="Vector256{T}"/> on x86 with AVX (the same IEEE
    /// operations per lane as the scalar step), the rest one by one, with the termination test of the new
    /// state (<see cref="CartPoleEnvironment.IsTerminal"/>, the same comparisons) into <paramref name="terminated"/>
    /// and the float observations into <paramref name="observations"/>.
    /// </summary>
    private void Integrate<TIntegrator>(Span<float> observations, Span<bool> terminated)
        where TIntegrator : struct, IIntegrator
    {
        int n = _x.Length;
        ref double x = ref MemoryMarshal.GetArrayDataReference(_x);
        ref double xDot = ref MemoryMarshal.GetArrayDataReference(_xDot);
        ref double theta = ref MemoryMarshal.GetArrayDataReference(_theta);
        ref double thetaDot = ref MemoryMarshal.GetArrayDataReference(_thetaDot);
        ref double sin = ref MemoryMarshal.GetArrayDataReference(_sin);
        ref double cos = ref MemoryMarshal.GetArrayDataReference(_cos);
        ref double force = ref MemoryMarshal.GetArrayDataReference(_force);
        terminated = terminated[..n]; // four bools are written at once below
        ref float observation = ref MemoryMarshal.GetReference(observations[..(n * StateSize)]);
        int i = 0;
        if (Avx.IsSupported)
        {
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                nuint at = (nuint)i;
                var xv = new Double4(Vector256.LoadUnsafe(ref x, at));
                var xDotv = new Double4(Vector256.LoadUnsafe(ref xDot, at));
                var thetav = new Double4(Vector256.LoadUnsafe(ref theta, at));
                var thetaDotv = new Double4(Vector256.LoadUnsafe(ref thetaDot, at));
                CartPoleEnvironment.Integrate<Double4, Double4>(
                    TIntegrator.Euler,
                    new Double4(Vector256.LoadUnsafe(ref force, at)),
                    new Double4(Vector256.LoadUnsafe(ref sin, at)),
                    new Double4(Vector256.LoadUnsafe(ref cos, at)),
                    ref xv,
                    ref xDotv,
                    ref thetav,
                    ref thetaDotv);
                xv.Value.StoreUnsafe(ref x, at);
                xDotv.Value.StoreUnsafe(ref xDot, at);
                thetav.Value.StoreUnsafe(ref theta, at);
                thetaDotv.Value.StoreUnsafe(ref thetaDot, at);
                Vector256<double> outside = Vector256.LessThan(xv.Value, Vector256.Create(-CartPoleEnvironment.XThreshold))
                    | Vector256.GreaterThan(xv.Value, Vector256.Create(CartPoleEnvironment.XThreshold))
                    | Vector256.LessThan(thetav.Value, Vector256.Create(-CartPoleEnvironment.ThetaThresholdRadians))
                    | Vector256.GreaterThan(thetav.Value, Vector256.Create(CartPoleEnvironment.ThetaThresholdRadians));

                // Lane k's bit to byte k (the four bits land in disjoint ranges, so the product adds no carries): four bools at once.
                uint bools = (outside.ExtractMostSignificantBits() * 0x0020_4081u) & 0x0101_0101u;
                Unsafe.WriteUnaligned(ref Unsafe.As<bool, byte>(ref terminated[i]), bools);

                // The float observations: four rows (x, x_dot, theta, theta_dot of four environments) converted
                // as (float) casts do, transposed to four environments' observations, stored in one run.
                Vector128<float> rowX = Avx.ConvertToVector128Single(xv.Value);
                Vector128<float> rowXDot = Avx.ConvertToVector128Single(xDotv.Value);
                Vector128<float> rowTheta = Avx.ConvertToVector128Single(thetav.Value);
                Vector128<float> rowThetaDot = Avx.ConvertToVector128Single(thetaDotv.Value);
                Vector128<float> low01 = Sse.UnpackLow(rowX, rowXDot); // x0 xd0 x1 xd1
                Vector128<float> high01 = Sse.UnpackLow(rowTheta, rowThetaDot); // t0 td0 t1 td1
                Vector128<float> low23 = Sse.UnpackHigh(rowX, rowXDot); // x2 xd2 x3 xd3
                Vector128<float> high23 = Sse.UnpackHigh(rowTheta, rowThetaDot); // t2 td2 t3 td3
                nuint o = at * StateSize;
                Sse.MoveLowToHigh(low01, high01).StoreUnsafe(ref observation, o);
                Sse.MoveHighToLow(high01, low01).StoreUnsafe(ref observation, o + 4);
                Sse.MoveLowToHigh(low23, high23).StoreUnsafe(ref observation, o + 8);
                Sse.MoveHighToLow(high23, low23).StoreUnsafe(ref observation, o + 12);
            }
        }

        for (; i < n; i++)
        {
            CartPoleEnvironment.Integrate<double, ScalarLanes>(
                TIntegrator.Euler, Unsafe.Add(ref force, i), Unsafe.Add(ref sin, i), Unsafe.Add(ref cos, i),
                ref Unsafe.Add(ref x, i), ref Unsafe.Add(ref xDot, i), ref Unsafe.Add(ref theta, i), ref Unsafe.Add(ref thetaDot, i));
            terminated[i] = CartPoleEnvironment.IsTerminal(Unsafe.Add(ref x, i), Unsafe.Add(ref theta, i));
            ref float o = ref Unsafe.Add(ref observation, i * StateSize);
            o = (float)Unsafe.Add(ref x, i);
            Unsafe.Add(ref o, 1) = (float)Unsafe.Add(ref xDot, i);
            Unsafe.Add(ref o, 2) = (float)Unsafe.Add(ref theta, i);
            Unsafe.Add(ref o, 3) = (float)Unsafe.Add(ref thetaDot, i);
        }
    }

    /// <summary>
    /// Writes every environment's result as if its episode went on (bulk fills; terminated is already
    /// written by <see cref="Integrate"/>), then visits only
    /// the environments whose episode ended or that reset in this step (a scan without branches on
    /// the common path).
    /// </summary>
    private void Finish(VectorStepBuffers results)
    {
        results.Rewards.Fill(CartPoleEnvironment.Reward(terminated: false, _suttonBartoReward));
        results.Truncated.Clear();
        results.HasFinalObservation.Clear();
        Span<int> elapsedSteps = _elapsedSteps;
        ReadOnlySpan<bool> needsReset = _needsReset.AsSpan(0, elapsedSteps.Length);
        ReadOnlySpan<bool> terminated = results.Terminated[..elapsedSteps.Length];
        int maxEpisodeSteps = MaxEpisodeSteps;
        for (int i = 0; i < elapsedSteps.Length; i++)
        {
            int elapsed = elapsedSteps[i] + 1; // TimeLimit's count (a resetting environment's is set to 0)
            elapsedSteps[i] = elapsed;
            if (terminated[i] | (elapsed >= maxEpisodeSteps) | needsReset[i])
            {
                EndOrReset(i, results);
            }
        }
    }

    /// <summary>The rare case of <see cref="Finish"/>: the episode of <paramref name="env"/> ended in this step, or (NextStep mode) it resets now.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EndOrReset(int env, VectorStepBuffers results)
    {
        Span<float> observation = results.Observation(env);
        if (_needsReset[env])
        {
            // NextStep mode: this step resets the environment (its computed step is discarded) and reports reward 0.
            ResetEnvironment(env, observation);
            results.Rewards[env] = 0;
            results.Terminated[env] = false;
            return;
        }

        bool terminated = results.Terminated[env];
        results.Rewards[env] = CartPoleEnvironment.Reward(terminated, _suttonBartoReward);
        results.Truncated[env] = _elapsedSteps[env] >= MaxEpisodeSteps;
        results.HasFinalObservation[env] = true;
        observation.CopyTo(results.FinalObservationSlot(env));
        if (AutoresetMode == AutoresetMode.SameStep)
        {
            ResetEnvironment(env, observation);
        }
        else
        {
            _needsReset[env] = true;
        }
    }

    /// <summary>Draws a new initial state for <paramref name="env"/> from its generator, as <see cref="CartPoleEnvironment"/>'s reset does.</summary>
    private void ResetEnvironment(int env, Span<float> observation)
    {
        var random = _random[env];
        const double bound = CartPoleEnvironment.InitialStateBound;
        double x = random.Uniform(-bound, bound);
        double xDot = random.Uniform(-bound, bound);
        double theta = random.Uniform(-bound, bound);
        double thetaDot = random.Uniform(-bound, bound);
        _x[env] = x;
        _xDot[env] = xDot;
        _theta[env] = theta;
        _thetaDot[env] = thetaDot;
        _elapsedSteps[env] = 0;
        _needsReset[env] = false;
        observation[3] = (float)thetaDot;
        observation[2] = (float)theta;
        observation[1] = (float)xDot;
        observation[0] = (float)x;
    }

    private void CheckResults(VectorStepBuffers results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.NumEnvs != NumEnvs || results.ObservationSize != StateSize)
        {
            throw new ArgumentException(
                $"The result buffers are for {results.NumEnvs} environments x {results.ObservationSize} floats; this vector environment needs {NumEnvs} x {StateSize}.",
                nameof(results));
        }
    }

    [DoesNotReturn]
    private void ThrowNotReset() =>
        throw new InvalidOperationException($"{Spec?.Id ?? "CartPole-v1"}: Step was called before Reset; call Reset first.");

    [DoesNotReturn]
    private static void ThrowSize(string name, int got, int expected) =>
        throw new ArgumentException($"{name} has {got} values; expected {expected}.", name);

    /// <summary>The integrator as a type, so that the per-environment loop has no branch on it.</summary>
    private interface IIntegrator
    {
        static abstract bool Euler { get; }
    }

    private readonly struct EulerIntegrator : IIntegrator
    {
        public static bool Euler => true;
    }

    private readonly struct SemiImplicitIntegrator : IIntegrator
    {
        public static bool Euler => false;
    }
}
