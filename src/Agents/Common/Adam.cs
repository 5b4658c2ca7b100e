namespace RLFramework.Agents;

/// <summary>Adam (Kingma and Ba, 2015, Algorithm 1) over a small parameter vector, state saved with the agent.</summary>
internal sealed class Adam
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    public Adam(int size)
    {
        FirstMoment = new double[size];
        SecondMoment = new double[size];
    }

    public double[] FirstMoment { get; }

    public double[] SecondMoment { get; }

    public long Steps { get; set; }

    /// <summary>parameters -= lr * m_hat / (sqrt(v_hat) + eps) for the gradient <paramref name="gradient"/>.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<double> gradient, double learningRate)
    {
        if (gradient.Length != parameters.Length || parameters.Length != FirstMoment.Length)
            throw new ArgumentException($"Adam over {FirstMoment.Length} parameters got {parameters.Length} parameters and {gradient.Length} gradients.", nameof(gradient));
        Steps++;
        var correction1 = 1 - Math.Pow(Beta1, Steps);
        var correction2 = 1 - Math.Pow(Beta2, Steps);
        for (var j = 0; j < parameters.Length; j++)
        {
            FirstMoment[j] = Beta1 * FirstMoment[j] + (1 - Beta1) * gradient[j];
            SecondMoment[j] = Beta2 * SecondMoment[j] + (1 - Beta2) * gradient[j] * gradient[j];
            var mHat = FirstMoment[j] / correction1;
            var vHat = SecondMoment[j] / correction2;
            parameters[j] = (float)(parameters[j] - learningRate * mHat / (Math.Sqrt(vHat) + Epsilon));
        }
    }
}
