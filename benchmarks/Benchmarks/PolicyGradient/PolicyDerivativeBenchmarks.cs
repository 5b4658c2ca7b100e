using BenchmarkDotNet.Attributes;
using RLFramework.Agents.Parametric;

namespace RLFramework.Benchmarks.PolicyGradient;

/// <summary>
/// Cost per sample of the parametric policies' derivatives: grad log pi (one backward pass) and the
/// exact Hessian-vector product (forward-over-reverse R-operator), for the benchmark's policies:
/// softmax MLP 32x32 on CartPole's 4 inputs and 2 actions, Gaussian MLP 64x64 on Pendulum's 3 inputs
/// and 1 action dimension. Run: dotnet run -c Release --project benchmarks/Benchmarks -- --filter '*PolicyDerivative*' --job short
/// </summary>
[MemoryDiagnoser]
public class PolicyDerivativeBenchmarks
{
    private IParametricPolicy _policy = null!;
    private double[] _theta = null!;
    private double[] _direction = null!;
    private double[] _observation = null!;
    private double[] _action = null!;
    private double[] _gradient = null!;
    private double[] _hessianVector = null!;
    private Random _random = null!;

    /// <summary>Which policy.</summary>
    [Params("softmax-32x32", "gaussian-64x64")]
    public string Policy { get; set; } = "softmax-32x32";

    [GlobalSetup]
    public void Setup()
    {
        _policy = Policy == "softmax-32x32" ? SoftmaxPolicy.Neural(4, [32, 32], 2) : GaussianPolicy.Neural(3, [64, 64], 1);
        _random = new Random(1);
        _theta = new double[_policy.ParameterCount];
        _direction = new double[_policy.ParameterCount];
        for (var i = 0; i < _theta.Length; i++)
        {
            _theta[i] = _random.NextDouble() - 0.5;
            _direction[i] = _random.NextDouble() - 0.5;
        }
        _observation = new double[_policy.ObservationSize];
        for (var i = 0; i < _observation.Length; i++) _observation[i] = _random.NextDouble() - 0.5;
        _action = new double[_policy.ActionSize];
        _gradient = new double[_policy.ParameterCount];
        _hessianVector = new double[_policy.ParameterCount];
        _policy.Sample(_theta, _observation, _random, _action);
    }

    [Benchmark]
    public void Sample() => _policy.Sample(_theta, _observation, _random, _action);

    [Benchmark]
    public double GradientLogProbability() => _policy.GradientLogProbability(_theta, _observation, _action, _gradient);

    [Benchmark]
    public double HessianVectorProduct() => _policy.HessianVectorLogProbability(_theta, _observation, _action, _direction, _gradient, _hessianVector);
}
