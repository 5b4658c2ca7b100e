using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Vector;

/// <summary>When a vector environment resets a sub-environment whose episode ended (Gymnasium's AutoresetMode).</summary>
public enum AutoresetMode
{
    /// <summary>
    /// The step that ends an episode returns its last observation (also copied to
    /// <see cref="VectorStepBuffers.FinalObservation"/>); the next call to Step ignores that
    /// environment's action, resets it and returns reward 0, not terminated, not truncated (Gymnasium's default).
    /// </summary>
    NextStep,

    /// <summary>
    /// The step that ends an episode resets at once and returns the first observation of the next
    /// episode; the last observation is in <see cref="VectorStepBuffers.FinalObservation"/>.
    /// </summary>
    SameStep,
}

/// <summary>
/// A batch of environments stepped together, with struct-of-arrays results written into
/// caller-owned <see cref="VectorStepBuffers"/>. Observations are flat floats
/// (<see cref="Space.FlatSize"/> per environment). Actions are <see cref="ActionSize"/> values per environment:
/// ints for Discrete (one), MultiDiscrete and MultiBinary (their length), floats for Box (its flat size).
/// </summary>
public interface IVectorEnvironment : IDisposable
{
    /// <summary>Number of sub-environments.</summary>
    int NumEnvs { get; }

    /// <summary>The observation space of one sub-environment.</summary>
    Space SingleObservationSpace { get; }

    /// <summary>The action space of one sub-environment.</summary>
    Space SingleActionSpace { get; }

    /// <summary>Floats per observation.</summary>
    int ObservationSize { get; }

    /// <summary>Values per action: 1 for Discrete, the length of a MultiDiscrete or MultiBinary, the flat size of a Box.</summary>
    int ActionSize { get; }

    /// <summary>The autoreset mode.</summary>
    AutoresetMode AutoresetMode { get; }

    /// <summary>
    /// Resets every sub-environment (sub-environment i gets seed + i when a seed is given) and writes
    /// the observations into <paramref name="observations"/> (NumEnvs x ObservationSize).
    /// </summary>
    void Reset(int? seed, Span<float> observations);

    /// <summary>
    /// The action masks of the current observations (those of the last <see cref="Reset"/> or Step), one per
    /// sub-environment: bit a is set when action a is legal (<see cref="StepInfo.ActionMask"/>, Gymnasium's
    /// <c>info["action_mask"]</c>; for MultiDiscrete actions the blocks' bits one after another). Empty when the
    /// sub-environments report no mask (the default for vector environments that do not implement it).
    /// </summary>
    ReadOnlySpan<ulong> ActionMasks => [];

    /// <summary>Steps every sub-environment with an integer action (NumEnvs x ActionSize ints).</summary>
    void Step(ReadOnlySpan<int> actions, VectorStepBuffers results);

    /// <summary>Steps every sub-environment with a continuous action (NumEnvs x ActionSize floats).</summary>
    void Step(ReadOnlySpan<float> actions, VectorStepBuffers results);
}

/// <summary>Caller-owned result buffers of <see cref="IVectorEnvironment.Step(ReadOnlySpan{int}, VectorStepBuffers)"/>, reused every step.</summary>
public sealed class VectorStepBuffers
{
    private readonly float[] _observations;
    private readonly float[] _finalObservations;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly bool[] _hasFinalObservation;

    /// <summary>Allocates buffers for <paramref name="numEnvs"/> environments of <paramref name="observationSize"/> floats.</summary>
    public VectorStepBuffers(int numEnvs, int observationSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(observationSize, 1);
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        _observations = new float[numEnvs * observationSize];
        _finalObservations = new float[numEnvs * observationSize];
        _rewards = new double[numEnvs];
        _terminated = new bool[numEnvs];
        _truncated = new bool[numEnvs];
        _hasFinalObservation = new bool[numEnvs];
    }

    /// <summary>Allocates buffers that fit <paramref name="env"/>.</summary>
    public static VectorStepBuffers For(IVectorEnvironment env) => new(env.NumEnvs, env.ObservationSize);

    /// <summary>Number of environments.</summary>
    public int NumEnvs { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Observations after the step (NumEnvs x ObservationSize).</summary>
    public Span<float> Observations => _observations;

    /// <summary>Rewards of the step.</summary>
    public Span<double> Rewards => _rewards;

    /// <summary>Terminated flags of the step.</summary>
    public Span<bool> Terminated => _terminated;

    /// <summary>Truncated flags of the step.</summary>
    public Span<bool> Truncated => _truncated;

    /// <summary>Per environment: whether its episode ended in this step, so that <see cref="FinalObservation"/> holds its last observation (both autoreset modes).</summary>
    public Span<bool> HasFinalObservation => _hasFinalObservation;

    /// <summary>The last observation of the episode that environment <paramref name="env"/> ended in this step (valid where <see cref="HasFinalObservation"/>; in NextStep mode it equals the step's observation).</summary>
    public ReadOnlySpan<float> FinalObservation(int env) => _finalObservations.AsSpan(env * ObservationSize, ObservationSize);

    /// <summary>Writable final-observation slot of environment <paramref name="env"/> (for implementations).</summary>
    public Span<float> FinalObservationSlot(int env) => _finalObservations.AsSpan(env * ObservationSize, ObservationSize);

    /// <summary>The observation of environment <paramref name="env"/>.</summary>
    public Span<float> Observation(int env) => _observations.AsSpan(env * ObservationSize, ObservationSize);
}
