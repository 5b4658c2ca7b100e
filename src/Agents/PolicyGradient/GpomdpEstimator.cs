using System.Numerics.Tensors;
using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// The stochastic estimates every algorithm here is built from, as batch means over the
/// trajectories of a <see cref="TrajectoryBatch"/> whose weights w_t were computed
/// (<see cref="TrajectoryBatch.ComputeWeights"/>):
/// <list type="bullet">
/// <item>GPOMDP: <c>g(tau, theta) = sum_t w_t grad log pi_theta(a_t|s_t)</c>, with
/// <c>w_t = sum_{h>=t} gamma^h r_h</c> (minus a baseline) - the gradient of the surrogate
/// <c>Phi(tau, theta) = sum_t w_t log pi_theta(a_t|s_t)</c>.</item>
/// <item>The HARPG correction (Fatkhullin et al. 2023, arXiv 2302.01734):
/// <c>v = g(tau, theta) (grad log p(tau|theta) . u) + grad^2 Phi(tau, theta) u</c> with
/// <c>grad log p(tau|theta) = sum_t grad log pi_theta(a_t|s_t)</c>; its expectation over tau ~ theta
/// is the directional derivative of grad J along u.</item>
/// </list>
/// </summary>
internal sealed class GpomdpEstimator
{
    private readonly IParametricPolicy _policy;
    private readonly double[] _score;
    private readonly double[] _hessianVector;
    private readonly double[] _trajectoryGradient;
    private readonly double[] _trajectoryScore;

    public GpomdpEstimator(IParametricPolicy policy)
    {
        _policy = policy;
        var p = policy.ParameterCount;
        _score = new double[p];
        _hessianVector = new double[p];
        _trajectoryGradient = new double[p];
        _trajectoryScore = new double[p];
    }

    /// <summary>Writes the batch mean of <c>g(tau, theta)</c>.</summary>
    public void Gradient(ReadOnlySpan<double> parameters, TrajectoryBatch batch, Span<double> gradient)
    {
        gradient.Clear();
        for (var i = 0; i < batch.StepCount; i++)
        {
            _policy.GradientLogProbability(parameters, batch.Observation(i), batch.Action(i), _score);
            TensorPrimitives.MultiplyAdd(_score, batch.Weight(i), gradient, gradient);
        }
        TensorPrimitives.Divide(gradient, batch.TrajectoryCount, gradient);
    }

    /// <summary>Writes the batch mean of <c>v = g(tau) (grad log p(tau) . u) + grad^2 Phi(tau) u</c> at <paramref name="parameters"/>.</summary>
    public void Correction(ReadOnlySpan<double> parameters, ReadOnlySpan<double> direction, TrajectoryBatch batch, Span<double> correction)
    {
        correction.Clear();
        for (var k = 0; k < batch.TrajectoryCount; k++)
        {
            Array.Clear(_trajectoryGradient);
            Array.Clear(_trajectoryScore);
            for (var i = batch.Start(k); i < batch.End(k); i++)
            {
                _policy.HessianVectorLogProbability(parameters, batch.Observation(i), batch.Action(i), direction, _score, _hessianVector);
                var weight = batch.Weight(i);
                TensorPrimitives.MultiplyAdd(_score, weight, _trajectoryGradient, _trajectoryGradient);
                TensorPrimitives.Add(_trajectoryScore, _score, _trajectoryScore);
                TensorPrimitives.MultiplyAdd(_hessianVector, weight, correction, correction);
            }
            var scoreAlongDirection = TensorPrimitives.Dot(_trajectoryScore, direction);
            TensorPrimitives.MultiplyAdd(_trajectoryGradient, scoreAlongDirection, correction, correction);
        }
        TensorPrimitives.Divide(correction, batch.TrajectoryCount, correction);
    }
}
