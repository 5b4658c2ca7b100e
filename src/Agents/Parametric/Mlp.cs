using System.Numerics.Tensors;

namespace RLFramework.Agents.Parametric;

/// <summary>
/// A fully connected network with tanh hidden layers and a linear output layer, whose parameters
/// live in one flat vector the caller owns (layer by layer: the weight matrix row-major, output by
/// input, then the bias). With no hidden layers it is the affine map <c>W x + b</c>.
/// </summary>
/// <remarks>
/// <para>
/// The network keeps the activations of its last <see cref="Forward"/> in preallocated buffers;
/// <see cref="Backward"/>, <see cref="ForwardTangent"/> and <see cref="BackwardTangent"/> use them,
/// so they must follow a <see cref="Forward"/> with the same parameters and input. No method allocates.
/// An instance is not thread-safe: give each thread its own.
/// </para>
/// <para>
/// Second order: <see cref="ForwardTangent"/> and <see cref="BackwardTangent"/> are Pearlmutter's
/// R-operator (Pearlmutter 1994, "Fast exact multiplication by the Hessian") applied to the forward
/// and backward passes, i.e. forward-mode differentiation of reverse mode. For a scalar loss
/// <c>l(y)</c> with output gradient <c>g = dl/dy</c> and its tangent <c>R{g} = d2l/dy2 R{y}</c>, the
/// tangent of the parameter gradient is the exact Hessian-vector product <c>H u</c>.
/// </para>
/// <para>
/// Use as a neural actor-critic network (PPO/A2C, 2x64 tanh as in Stable-Baselines3): one network
/// for the policy logits or mean and one for the value; per sample call <see cref="Forward"/>, build
/// the loss gradient with respect to the output, call <see cref="Backward"/> to accumulate into a
/// gradient buffer, average over the minibatch, then <see cref="AdamOptimizer.Step(Span{float}, ReadOnlySpan{double}, double)"/>.
/// </para>
/// </remarks>
public sealed class Mlp
{
    private readonly int[] _sizes;
    private readonly int[] _weightOffsets;
    private readonly int[] _biasOffsets;
    private readonly double[][] _activations;
    private readonly double[][] _activationTangents;
    private readonly double[] _delta;
    private readonly double[] _deltaTangent;
    private readonly double[] _nextDelta;
    private readonly double[] _nextDeltaTangent;

    /// <summary>Creates a network <c>inputSize -> hiddenSizes... -> outputSize</c>.</summary>
    public Mlp(int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (inputSize <= 0) throw new ArgumentException($"inputSize must be positive (got {inputSize}).", nameof(inputSize));
        if (outputSize <= 0) throw new ArgumentException($"outputSize must be positive (got {outputSize}).", nameof(outputSize));
        _sizes = new int[hiddenSizes.Count + 2];
        _sizes[0] = inputSize;
        for (var i = 0; i < hiddenSizes.Count; i++)
        {
            if (hiddenSizes[i] <= 0) throw new ArgumentException($"hiddenSizes[{i}] must be positive (got {hiddenSizes[i]}).", nameof(hiddenSizes));
            _sizes[i + 1] = hiddenSizes[i];
        }
        _sizes[^1] = outputSize;

        var layers = _sizes.Length - 1;
        _weightOffsets = new int[layers];
        _biasOffsets = new int[layers];
        var offset = 0;
        var maxWidth = 0;
        for (var l = 0; l < layers; l++)
        {
            _weightOffsets[l] = offset;
            offset += _sizes[l + 1] * _sizes[l];
            _biasOffsets[l] = offset;
            offset += _sizes[l + 1];
        }
        foreach (var size in _sizes) maxWidth = Math.Max(maxWidth, size);
        ParameterCount = offset;

        // _activations[l] is h_l: h_0 the input, h_L the (linear) output.
        _activations = new double[_sizes.Length][];
        _activationTangents = new double[_sizes.Length][];
        for (var l = 0; l < _sizes.Length; l++)
        {
            _activations[l] = new double[_sizes[l]];
            _activationTangents[l] = new double[_sizes[l]];
        }
        _delta = new double[maxWidth];
        _deltaTangent = new double[maxWidth];
        _nextDelta = new double[maxWidth];
        _nextDeltaTangent = new double[maxWidth];
    }

    /// <summary>Length of the input vector.</summary>
    public int InputSize => _sizes[0];

    /// <summary>Length of the output vector.</summary>
    public int OutputSize => _sizes[^1];

    /// <summary>Number of parameters (weights and biases of every layer).</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// Glorot-uniform weights, zero biases; the output layer's weights are further multiplied by
    /// <paramref name="outputScale"/> (a small value such as 0.01 starts a policy near uniform).
    /// </summary>
    public void Initialize(Span<double> parameters, Random random, double outputScale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        for (var l = 0; l < _weightOffsets.Length; l++)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            var limit = Math.Sqrt(6.0 / (fanIn + fanOut)) * (l == _weightOffsets.Length - 1 ? outputScale : 1.0);
            var weights = parameters.Slice(_weightOffsets[l], fanIn * fanOut);
            for (var i = 0; i < weights.Length; i++) weights[i] = (2.0 * random.NextDouble() - 1.0) * limit;
            parameters.Slice(_biasOffsets[l], fanOut).Clear();
        }
    }

    /// <summary>Computes the output for <paramref name="input"/> and keeps the activations for the backward passes.</summary>
    public void Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output)
    {
        CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        CheckLength(input.Length, InputSize, nameof(input));
        CheckLength(output.Length, OutputSize, nameof(output));
        input.CopyTo(_activations[0]);
        var last = _weightOffsets.Length - 1;
        for (var l = 0; l <= last; l++)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            ReadOnlySpan<double> previous = _activations[l];
            var current = _activations[l + 1].AsSpan();
            for (var o = 0; o < fanOut; o++)
                current[o] = parameters[_biasOffsets[l] + o] + TensorPrimitives.Dot(parameters.Slice(_weightOffsets[l] + o * fanIn, fanIn), previous);
            if (l < last) TensorPrimitives.Tanh(current, current);
        }
        _activations[^1].CopyTo(output);
    }

    /// <summary>
    /// Adds <c>J^T outputGradient</c> (the gradient of a scalar loss whose gradient with respect to
    /// the output is <paramref name="outputGradient"/>) to <paramref name="parameterGradient"/>.
    /// </summary>
    public void Backward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient)
    {
        CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        CheckLength(outputGradient.Length, OutputSize, nameof(outputGradient));
        CheckLength(parameterGradient.Length, ParameterCount, nameof(parameterGradient));
        outputGradient.CopyTo(_delta);
        for (var l = _weightOffsets.Length - 1; l >= 0; l--)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            ReadOnlySpan<double> previous = _activations[l];
            var delta = _delta.AsSpan(0, fanOut);
            for (var o = 0; o < fanOut; o++)
            {
                var row = parameterGradient.Slice(_weightOffsets[l] + o * fanIn, fanIn);
                TensorPrimitives.MultiplyAdd(previous, delta[o], row, row);
                parameterGradient[_biasOffsets[l] + o] += delta[o];
            }
            if (l == 0) break;
            // delta_{l-1} = (W_l^T delta_l) .* (1 - h_{l-1}^2)
            var next = _nextDelta.AsSpan(0, fanIn);
            next.Clear();
            for (var o = 0; o < fanOut; o++)
                TensorPrimitives.MultiplyAdd(parameters.Slice(_weightOffsets[l] + o * fanIn, fanIn), delta[o], next, next);
            for (var i = 0; i < fanIn; i++) _delta[i] = next[i] * (1.0 - previous[i] * previous[i]);
        }
    }

    /// <summary>
    /// The directional derivative <c>R{y} = J u</c> of the output along the parameter direction
    /// <paramref name="direction"/> at the last forward point; keeps the hidden tangents for <see cref="BackwardTangent"/>.
    /// </summary>
    public void ForwardTangent(ReadOnlySpan<double> parameters, ReadOnlySpan<double> direction, Span<double> outputTangent)
    {
        CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        CheckLength(direction.Length, ParameterCount, nameof(direction));
        CheckLength(outputTangent.Length, OutputSize, nameof(outputTangent));
        Array.Clear(_activationTangents[0]);
        var last = _weightOffsets.Length - 1;
        for (var l = 0; l <= last; l++)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            ReadOnlySpan<double> previous = _activations[l];
            ReadOnlySpan<double> previousTangent = _activationTangents[l];
            ReadOnlySpan<double> current = _activations[l + 1];
            var tangent = _activationTangents[l + 1].AsSpan();
            for (var o = 0; o < fanOut; o++)
            {
                // R{a} = V h_prev + c + W R{h_prev}
                var rowStart = _weightOffsets[l] + o * fanIn;
                tangent[o] = direction[_biasOffsets[l] + o]
                    + TensorPrimitives.Dot(direction.Slice(rowStart, fanIn), previous)
                    + (l == 0 ? 0.0 : TensorPrimitives.Dot(parameters.Slice(rowStart, fanIn), previousTangent));
                if (l < last) tangent[o] *= 1.0 - current[o] * current[o];
            }
        }
        _activationTangents[^1].CopyTo(outputTangent);
    }

    /// <summary>
    /// The backward pass and its R-operator: adds <c>J^T g</c> to <paramref name="parameterGradient"/>
    /// and the tangent of that gradient along <paramref name="direction"/> (given the output-gradient
    /// tangent <paramref name="outputGradientTangent"/>) to <paramref name="hessianVector"/>.
    /// Requires <see cref="Forward"/> then <see cref="ForwardTangent"/> with the same direction.
    /// </summary>
    public void BackwardTangent(
        ReadOnlySpan<double> parameters,
        ReadOnlySpan<double> direction,
        ReadOnlySpan<double> outputGradient,
        ReadOnlySpan<double> outputGradientTangent,
        Span<double> parameterGradient,
        Span<double> hessianVector)
    {
        CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        CheckLength(direction.Length, ParameterCount, nameof(direction));
        CheckLength(outputGradient.Length, OutputSize, nameof(outputGradient));
        CheckLength(outputGradientTangent.Length, OutputSize, nameof(outputGradientTangent));
        CheckLength(parameterGradient.Length, ParameterCount, nameof(parameterGradient));
        CheckLength(hessianVector.Length, ParameterCount, nameof(hessianVector));
        outputGradient.CopyTo(_delta);
        outputGradientTangent.CopyTo(_deltaTangent);
        for (var l = _weightOffsets.Length - 1; l >= 0; l--)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            ReadOnlySpan<double> previous = _activations[l];
            ReadOnlySpan<double> previousTangent = _activationTangents[l];
            for (var o = 0; o < fanOut; o++)
            {
                var rowStart = _weightOffsets[l] + o * fanIn;
                var row = parameterGradient.Slice(rowStart, fanIn);
                TensorPrimitives.MultiplyAdd(previous, _delta[o], row, row);
                parameterGradient[_biasOffsets[l] + o] += _delta[o];
                // R{dW} = R{delta} h_prev^T + delta R{h_prev}^T
                var hvRow = hessianVector.Slice(rowStart, fanIn);
                TensorPrimitives.MultiplyAdd(previous, _deltaTangent[o], hvRow, hvRow);
                if (l > 0) TensorPrimitives.MultiplyAdd(previousTangent, _delta[o], hvRow, hvRow);
                hessianVector[_biasOffsets[l] + o] += _deltaTangent[o];
            }
            if (l == 0) break;
            // dh = W^T delta;  R{dh} = V^T delta + W^T R{delta}
            var next = _nextDelta.AsSpan(0, fanIn);
            var nextTangent = _nextDeltaTangent.AsSpan(0, fanIn);
            next.Clear();
            nextTangent.Clear();
            for (var o = 0; o < fanOut; o++)
            {
                var rowStart = _weightOffsets[l] + o * fanIn;
                TensorPrimitives.MultiplyAdd(parameters.Slice(rowStart, fanIn), _delta[o], next, next);
                TensorPrimitives.MultiplyAdd(direction.Slice(rowStart, fanIn), _delta[o], nextTangent, nextTangent);
                TensorPrimitives.MultiplyAdd(parameters.Slice(rowStart, fanIn), _deltaTangent[o], nextTangent, nextTangent);
            }
            // delta = dh .* (1 - h^2);  R{delta} = R{dh} .* (1 - h^2) - 2 h R{h} .* dh
            for (var i = 0; i < fanIn; i++)
            {
                var h = previous[i];
                var slope = 1.0 - h * h;
                _delta[i] = next[i] * slope;
                _deltaTangent[i] = nextTangent[i] * slope - 2.0 * h * previousTangent[i] * next[i];
            }
        }
    }

    internal static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected) ThrowLength(actual, expected, name);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string name) =>
        throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
}
