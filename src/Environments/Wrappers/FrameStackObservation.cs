using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>What <see cref="FrameStackObservation{TAction}"/> fills the stack with at <c>Reset</c> (Gymnasium's <c>padding_type</c>).</summary>
public enum FramePadding
{
    /// <summary>The reset observation, repeated: the first stack is stackSize copies of it (Gymnasium's default, "reset").</summary>
    Reset,

    /// <summary>Gymnasium's zero observation ("zero"): 0 per element, or the bound nearest to 0 where the bounds exclude it.</summary>
    Zero,

    /// <summary>A padding observation given to the constructor (Gymnasium's custom padding observation).</summary>
    Custom,
}

/// <summary>
/// Observes the last <see cref="StackSize"/> Box observations, oldest first, as one Box of shape
/// [stackSize, ...inner shape] (Gymnasium 1.0's <c>FrameStackObservation</c>; its <c>batch_space</c> shape, so frame k
/// is the floats [k * n, (k + 1) * n) of the row-major vector). <see cref="Reset"/> fills the first stackSize - 1
/// frames with the padding (<see cref="FramePadding"/>; by default the reset observation itself) and the last with the
/// reset observation; every <see cref="Step"/> drops the oldest frame and appends the new observation. The exposed
/// bounds and categorical cardinalities are the inner ones repeated per frame. Steps copy stackSize * n floats into a
/// buffer the wrapper owns and allocate nothing.
/// </summary>
public sealed class FrameStackObservation<TAction> : EnvironmentWrapper<ReadOnlyMemory<float>, TAction>, IEnvironmentLabels
{
    private EnvironmentLabels? _labels;
    private readonly float[] _stack;
    private readonly float[]? _padding; // null: the reset observation pads
    private readonly int _size;

    /// <summary>Wraps <paramref name="inner"/> (a Box observation space), stacking <paramref name="stackSize"/> (at least 1) frames padded as <paramref name="padding"/> says.</summary>
    public FrameStackObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, int stackSize, FramePadding padding = FramePadding.Reset)
        : this(inner, stackSize, padding, null)
    {
    }

    /// <summary>Wraps <paramref name="inner"/> (a Box observation space), padding with <paramref name="paddingObservation"/>, which must be a value of that space.</summary>
    public FrameStackObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, int stackSize, float[] paddingObservation)
        : this(inner, stackSize, FramePadding.Custom, paddingObservation ?? throw new ArgumentNullException(nameof(paddingObservation)))
    {
    }

    private FrameStackObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, int stackSize, FramePadding padding, float[]? custom)
        : base(inner)
    {
        var box = WrapperSupport.BoxObservations(inner, "FrameStackObservation");
        if (stackSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stackSize), stackSize, "FrameStackObservation needs a stack size of at least 1.");
        }

        _padding = padding switch
        {
            FramePadding.Reset => null,
            FramePadding.Zero => WrapperSupport.ZeroObservation(box),
            FramePadding.Custom when custom is not null && box.Contains(custom) => (float[])custom.Clone(),
            FramePadding.Custom => throw new ArgumentException(
                custom is null
                    ? "FramePadding.Custom needs a padding observation: use the constructor that takes one."
                    : $"The padding observation [{string.Join(", ", custom)}] is not a value of the observation space {box}.",
                nameof(padding)),
            _ => throw new ArgumentOutOfRangeException(nameof(padding), padding, "The padding is Reset, Zero or Custom."),
        };

        StackSize = stackSize;
        Padding = padding;
        _size = box.FlatSize;
        _stack = new float[checked(stackSize * _size)];
        ObservationSpace = new Box(
            WrapperSupport.Repeat(box.Low, stackSize),
            WrapperSupport.Repeat(box.High, stackSize),
            [stackSize, .. box.Shape],
            WrapperSupport.Repeat<int>([.. box.Cardinalities], stackSize));
    }

    /// <summary>How many observations are stacked.</summary>
    public int StackSize { get; }

    /// <summary>What the stack is padded with at reset.</summary>
    public FramePadding Padding { get; }

    /// <inheritdoc/>
    public override Space ObservationSpace { get; }

    /// <inheritdoc/>
    public override ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        var result = Inner.Reset(seed);
        var frame = result.Observation.Span;
        WrapperSupport.CheckLength(frame, _size, "FrameStackObservation");
        ReadOnlySpan<float> padding = _padding ?? frame;
        for (int k = 0; k < StackSize - 1; k++)
        {
            padding.CopyTo(_stack.AsSpan(k * _size));
        }

        frame.CopyTo(_stack.AsSpan((StackSize - 1) * _size));
        return new(_stack, result.Info);
    }

    /// <inheritdoc/>
    public override StepResult<ReadOnlyMemory<float>> Step(TAction action)
    {
        var r = Inner.Step(action);
        var frame = r.Observation.Span;
        WrapperSupport.CheckLength(frame, _size, "FrameStackObservation");
        _stack.AsSpan(_size).CopyTo(_stack); // drop the oldest frame (an overlapping copy, memmove semantics)
        frame.CopyTo(_stack.AsSpan((StackSize - 1) * _size));
        return new(_stack, r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    /// <summary>The inner name of the element, for the newest frame; with its age for older ones: <c>pole angle (t-2)</c>.</summary>
    public string FeatureName(int index)
    {
        var name = InnerLabels.FeatureName(index % _size);
        var age = StackSize - 1 - (index / _size);
        return age == 0 ? name : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} (t-{age})");
    }

    /// <inheritdoc/>
    public string? ValueName(int index, float value) => InnerLabels.ValueName(index % _size, value);

    /// <inheritdoc/>
    public string ActionName(int index) => InnerLabels.ActionName(index);

    private EnvironmentLabels InnerLabels => _labels ??= EnvironmentLabels.Of(Inner);
}
