using System.Numerics.Tensors;

namespace RLFramework.Agents.Parametric;

/// <summary>
/// A categorical policy over <c>n</c> actions whose logits are an <see cref="Mlp"/> of the
/// observation: <c>pi(a|s) = softmax(f_theta(s))_a</c>. <see cref="Linear"/> is the linear-softmax
/// policy, <see cref="Neural"/> the MLP-softmax policy with tanh hidden layers.
/// </summary>
/// <remarks>
/// With logits <c>z</c> and probabilities <c>p</c>: <c>d log pi(a)/dz = e_a - p</c> and
/// <c>d2 log pi(a)/dz2 = -(diag(p) - p p^T)</c>, which the network's R-operator turns into the exact
/// Hessian-vector product in parameter space.
/// </remarks>
public sealed class SoftmaxPolicy : IParametricPolicy
{
    private readonly Mlp _network;
    private readonly double[] _logits;
    private readonly double[] _probabilities;
    private readonly double[] _logitGradient;
    private readonly double[] _logitTangent;
    private readonly double[] _logitGradientTangent;

    private SoftmaxPolicy(Mlp network)
    {
        _network = network;
        var n = network.OutputSize;
        _logits = new double[n];
        _probabilities = new double[n];
        _logitGradient = new double[n];
        _logitTangent = new double[n];
        _logitGradientTangent = new double[n];
    }

    /// <summary>Linear-softmax: logits <c>W s + b</c>.</summary>
    public static SoftmaxPolicy Linear(int observationSize, int actionCount) =>
        new(new Mlp(observationSize, [], CheckActions(actionCount)));

    /// <summary>MLP-softmax: logits from a tanh network with the given hidden layer sizes (e.g. [32, 32]).</summary>
    public static SoftmaxPolicy Neural(int observationSize, IReadOnlyList<int> hiddenSizes, int actionCount) =>
        new(new Mlp(observationSize, hiddenSizes, CheckActions(actionCount)));

    /// <summary>Number of actions.</summary>
    public int ActionCount => _network.OutputSize;

    /// <inheritdoc />
    public int ParameterCount => _network.ParameterCount;

    /// <inheritdoc />
    public int ObservationSize => _network.InputSize;

    /// <inheritdoc />
    public int ActionSize => 1;

    /// <inheritdoc />
    public void Initialize(Span<double> parameters, Random random) => _network.Initialize(parameters, random, outputScale: 0.01);

    /// <inheritdoc />
    public void Sample(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, Random random, Span<double> action)
    {
        ArgumentNullException.ThrowIfNull(random);
        Mlp.CheckLength(action.Length, 1, nameof(action));
        Probabilities(parameters, observation);
        var u = random.NextDouble();
        var chosen = _probabilities.Length - 1;
        var cumulative = 0.0;
        for (var a = 0; a < _probabilities.Length; a++)
        {
            cumulative += _probabilities[a];
            if (u < cumulative)
            {
                chosen = a;
                break;
            }
        }
        action[0] = chosen;
    }

    /// <inheritdoc />
    public double LogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action)
    {
        var a = ActionIndex(action);
        var logSumExp = Probabilities(parameters, observation);
        return _logits[a] - logSumExp;
    }

    /// <inheritdoc />
    public double GradientLogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action, Span<double> gradient)
    {
        var a = ActionIndex(action);
        var logSumExp = Probabilities(parameters, observation);
        // d log pi(a) / dz = e_a - p
        TensorPrimitives.Negate(_probabilities, _logitGradient);
        _logitGradient[a] += 1.0;
        gradient.Clear();
        _network.Backward(parameters, _logitGradient, gradient);
        return _logits[a] - logSumExp;
    }

    /// <inheritdoc />
    public double HessianVectorLogProbability(
        ReadOnlySpan<double> parameters,
        ReadOnlySpan<double> observation,
        ReadOnlySpan<double> action,
        ReadOnlySpan<double> direction,
        Span<double> gradient,
        Span<double> hessianVector)
    {
        var a = ActionIndex(action);
        var logSumExp = Probabilities(parameters, observation);
        TensorPrimitives.Negate(_probabilities, _logitGradient);
        _logitGradient[a] += 1.0;
        _network.ForwardTangent(parameters, direction, _logitTangent);
        // R{e_a - p} = -(p .* Rz - p (p . Rz))
        var mean = TensorPrimitives.Dot(_probabilities, _logitTangent);
        for (var k = 0; k < _probabilities.Length; k++)
            _logitGradientTangent[k] = -_probabilities[k] * (_logitTangent[k] - mean);
        gradient.Clear();
        hessianVector.Clear();
        _network.BackwardTangent(parameters, direction, _logitGradient, _logitGradientTangent, gradient, hessianVector);
        return _logits[a] - logSumExp;
    }

    /// <summary>Runs the network, fills the probabilities and returns log-sum-exp of the logits.</summary>
    private double Probabilities(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        _network.Forward(parameters, observation, _logits);
        var max = TensorPrimitives.Max(_logits);
        var sum = 0.0;
        for (var k = 0; k < _logits.Length; k++)
        {
            _probabilities[k] = Math.Exp(_logits[k] - max);
            sum += _probabilities[k];
        }
        TensorPrimitives.Divide(_probabilities, sum, _probabilities);
        return max + Math.Log(sum);
    }

    private int ActionIndex(ReadOnlySpan<double> action)
    {
        Mlp.CheckLength(action.Length, 1, nameof(action));
        var a = (int)action[0];
        if (a < 0 || a >= _logits.Length || a != action[0])
            throw new ArgumentException($"action {action[0]} is not an index in [0, {_logits.Length}).", nameof(action));
        return a;
    }

    private static int CheckActions(int actionCount) =>
        actionCount >= 2 ? actionCount : throw new ArgumentException($"actionCount must be at least 2 (got {actionCount}).", nameof(actionCount));
}
