namespace RLFramework.Agents.Parametric;

/// <summary>Options of <see cref="AdamOptimizer"/> (Kingma and Ba 2015; defaults as in PyTorch / Stable-Baselines3's PPO).</summary>
public sealed record AdamOptions
{
    /// <summary>Step size alpha.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Decay of the first-moment estimate.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Added to the root of the second moment.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"LearningRate must be positive and finite (got {LearningRate}).", nameof(LearningRate));
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"Beta1 must be in [0, 1) (got {Beta1}).", nameof(Beta1));
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"Beta2 must be in [0, 1) (got {Beta2}).", nameof(Beta2));
        if (!(Epsilon > 0)) throw new ArgumentException($"Epsilon must be positive (got {Epsilon}).", nameof(Epsilon));
    }
}

/// <summary>
/// Adam on a flat parameter vector, minimizing: <c>m = b1 m + (1-b1) g</c>, <c>v = b2 v + (1-b2) g^2</c>,
/// <c>theta -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)</c>. Pass the negated gradient to ascend.
/// </summary>
public sealed class AdamOptimizer
{
    private readonly AdamOptions _options;
    private readonly double[] _firstMoment;
    private readonly double[] _secondMoment;

    /// <summary>Creates an optimizer for <paramref name="parameterCount"/> parameters.</summary>
    public AdamOptimizer(int parameterCount, AdamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (parameterCount < 0) throw new ArgumentException($"parameterCount must be >= 0 (got {parameterCount}).", nameof(parameterCount));
        _options = options;
        _firstMoment = new double[parameterCount];
        _secondMoment = new double[parameterCount];
    }

    /// <summary>Number of steps taken.</summary>
    public int StepCount { get; internal set; }

    /// <summary>The first-moment estimate (checkpoints).</summary>
    internal double[] FirstMoment => _firstMoment;

    /// <summary>The second-moment estimate (checkpoints).</summary>
    internal double[] SecondMoment => _secondMoment;

    /// <summary>
    /// One Adam step on single-precision <paramref name="parameters"/> (moments in double), e.g. the
    /// log-std of a GBRL policy: the same update as the double overload, rounded once per parameter.
    /// </summary>
    public void Step(Span<float> parameters, ReadOnlySpan<double> gradient, double learningRate)
    {
        Mlp.CheckLength(parameters.Length, _firstMoment.Length, nameof(parameters));
        Mlp.CheckLength(gradient.Length, _firstMoment.Length, nameof(gradient));
        StepCount++;
        double b1 = _options.Beta1, b2 = _options.Beta2;
        var correction1 = 1.0 - Math.Pow(b1, StepCount);
        var correction2 = 1.0 - Math.Pow(b2, StepCount);
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i];
            _firstMoment[i] = b1 * _firstMoment[i] + (1.0 - b1) * g;
            _secondMoment[i] = b2 * _secondMoment[i] + (1.0 - b2) * g * g;
            parameters[i] = (float)(parameters[i] - learningRate * (_firstMoment[i] / correction1) / (Math.Sqrt(_secondMoment[i] / correction2) + _options.Epsilon));
        }
    }

    /// <summary>One Adam step on <paramref name="parameters"/> given the loss gradient; a learning rate may override the options' one (schedules).</summary>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradient, double? learningRate = null)
    {
        Mlp.CheckLength(parameters.Length, _firstMoment.Length, nameof(parameters));
        Mlp.CheckLength(gradient.Length, _firstMoment.Length, nameof(gradient));
        StepCount++;
        double b1 = _options.Beta1, b2 = _options.Beta2;
        var lr = learningRate ?? _options.LearningRate;
        var correction1 = 1.0 - Math.Pow(b1, StepCount);
        var correction2 = 1.0 - Math.Pow(b2, StepCount);
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i];
            _firstMoment[i] = b1 * _firstMoment[i] + (1.0 - b1) * g;
            _secondMoment[i] = b2 * _secondMoment[i] + (1.0 - b2) * g * g;
            parameters[i] -= lr * (_firstMoment[i] / correction1) / (Math.Sqrt(_secondMoment[i] / correction2) + _options.Epsilon);
        }
    }
}
