namespace RLFramework.Agents.Parametric;

/// <summary>
/// A diagonal Gaussian policy <c>a ~ N(mu_theta(s), diag(sigma^2))</c> whose mean is an
/// <see cref="Mlp"/> of the observation and whose log standard deviations are state-independent
/// parameters stored after the network's (the last <see cref="ActionSize"/> entries of the vector).
/// <see cref="Linear"/> is the linear-Gaussian policy, <see cref="Neural"/> the MLP-Gaussian one.
/// </summary>
/// <remarks>
/// Per action dimension j, with <c>x = a_j - mu_j</c> and <c>s = log sigma_j</c>:
/// <c>log pi = -x^2 / (2 sigma^2) - s - log(2 pi)/2</c>;
/// <c>d/dmu = x / sigma^2</c>, <c>d/ds = x^2 / sigma^2 - 1</c>;
/// <c>d2/dmu2 = -1/sigma^2</c>, <c>d2/dmu ds = -2x/sigma^2</c>, <c>d2/ds2 = -2x^2/sigma^2</c>.
/// The actions the policy scores are the unclipped samples (clipping to the action bounds happens
/// in the environment adapter, as in Stable-Baselines3).
/// </remarks>
public sealed class GaussianPolicy : IParametricPolicy
{
    private static readonly double s_halfLogTwoPi = 0.5 * Math.Log(2.0 * Math.PI);
    private readonly Mlp _network;
    private readonly double _initialLogStd;
    private readonly double[] _mean;
    private readonly double[] _meanGradient;
    private readonly double[] _meanTangent;
    private readonly double[] _meanGradientTangent;

    private GaussianPolicy(Mlp network, double initialLogStd)
    {
        if (!double.IsFinite(initialLogStd))
            throw new ArgumentException($"initialLogStd must be finite (got {initialLogStd}).", nameof(initialLogStd));
        _network = network;
        _initialLogStd = initialLogStd;
        var n = network.OutputSize;
        _mean = new double[n];
        _meanGradient = new double[n];
        _meanTangent = new double[n];
        _meanGradientTangent = new double[n];
    }

    /// <summary>Linear-Gaussian: mean <c>W s + b</c>, log-std parameters initialized to <paramref name="initialLogStd"/>.</summary>
    public static GaussianPolicy Linear(int observationSize, int actionSize, double initialLogStd = 0.0) =>
        new(new Mlp(observationSize, [], actionSize), initialLogStd);

    /// <summary>MLP-Gaussian: mean from a tanh network with the given hidden sizes (e.g. [64, 64]).</summary>
    public static GaussianPolicy Neural(int observationSize, IReadOnlyList<int> hiddenSizes, int actionSize, double initialLogStd = 0.0) =>
        new(new Mlp(observationSize, hiddenSizes, actionSize), initialLogStd);

    /// <inheritdoc />
    public int ParameterCount => _network.ParameterCount + ActionSize;

    /// <inheritdoc />
    public int ObservationSize => _network.InputSize;

    /// <inheritdoc />
    public int ActionSize => _network.OutputSize;

    /// <inheritdoc />
    public void Initialize(Span<double> parameters, Random random)
    {
        Mlp.CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        _network.Initialize(parameters[.._network.ParameterCount], random, outputScale: 0.01);
        parameters[_network.ParameterCount..].Fill(_initialLogStd);
    }

    /// <inheritdoc />
    public void Sample(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, Random random, Span<double> action)
    {
        ArgumentNullException.ThrowIfNull(random);
        Mlp.CheckLength(action.Length, ActionSize, nameof(action));
        var logStd = Forward(parameters, observation);
        for (var j = 0; j < _mean.Length; j++)
        {
            // Box-Muller.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            action[j] = _mean[j] + Math.Exp(logStd[j]) * normal;
        }
    }

    /// <inheritdoc />
    public double LogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action)
    {
        Mlp.CheckLength(action.Length, ActionSize, nameof(action));
        var logStd = Forward(parameters, observation);
        return LogDensity(logStd, action);
    }

    /// <inheritdoc />
    public double GradientLogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action, Span<double> gradient)
    {
        Mlp.CheckLength(action.Length, ActionSize, nameof(action));
        Mlp.CheckLength(gradient.Length, ParameterCount, nameof(gradient));
        var logStd = Forward(parameters, observation);
        var logStdGradient = gradient[_network.ParameterCount..];
        for (var j = 0; j < _mean.Length; j++)
        {
            var x = action[j] - _mean[j];
            var inverseVariance = Math.Exp(-2.0 * logStd[j]);
            _meanGradient[j] = x * inverseVariance;
            logStdGradient[j] = x * x * inverseVariance - 1.0;
        }
        var networkGradient = gradient[.._network.ParameterCount];
        networkGradient.Clear();
        _network.Backward(parameters[.._network.ParameterCount], _meanGradient, networkGradient);
        return LogDensity(logStd, action);
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
        Mlp.CheckLength(action.Length, ActionSize, nameof(action));
        Mlp.CheckLength(direction.Length, ParameterCount, nameof(direction));
        Mlp.CheckLength(gradient.Length, ParameterCount, nameof(gradient));
        Mlp.CheckLength(hessianVector.Length, ParameterCount, nameof(hessianVector));
        var logStd = Forward(parameters, observation);
        var networkParameters = parameters[.._network.ParameterCount];
        var networkDirection = direction[.._network.ParameterCount];
        var logStdDirection = direction[_network.ParameterCount..];
        _network.ForwardTangent(networkParameters, networkDirection, _meanTangent);
        var logStdGradient = gradient[_network.ParameterCount..];
        var logStdHessianVector = hessianVector[_network.ParameterCount..];
        for (var j = 0; j < _mean.Length; j++)
        {
            var x = action[j] - _mean[j];
            var inverseVariance = Math.Exp(-2.0 * logStd[j]);
            _meanGradient[j] = x * inverseVariance;
            logStdGradient[j] = x * x * inverseVariance - 1.0;
            _meanGradientTangent[j] = -inverseVariance * _meanTangent[j] - 2.0 * x * inverseVariance * logStdDirection[j];
            logStdHessianVector[j] = -2.0 * x * inverseVariance * _meanTangent[j] - 2.0 * x * x * inverseVariance * logStdDirection[j];
        }
        var networkGradient = gradient[.._network.ParameterCount];
        var networkHessianVector = hessianVector[.._network.ParameterCount];
        networkGradient.Clear();
        networkHessianVector.Clear();
        _network.BackwardTangent(networkParameters, networkDirection, _meanGradient, _meanGradientTangent, networkGradient, networkHessianVector);
        return LogDensity(logStd, action);
    }

    private ReadOnlySpan<double> Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        Mlp.CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        _network.Forward(parameters[.._network.ParameterCount], observation, _mean);
        return parameters[_network.ParameterCount..];
    }

    private double LogDensity(ReadOnlySpan<double> logStd, ReadOnlySpan<double> action)
    {
        var total = 0.0;
        for (var j = 0; j < _mean.Length; j++)
        {
            var x = action[j] - _mean[j];
            total += -0.5 * x * x * Math.Exp(-2.0 * logStd[j]) - logStd[j] - s_halfLogTwoPi;
        }
        return total;
    }
}
