namespace RLFramework.Environments.ClassicControl;

/// <summary>Options of Pendulum-v1 (Gymnasium's <c>PendulumEnv</c>).</summary>
public sealed record PendulumOptions
{
    /// <summary>Python <c>g</c>: the acceleration of gravity (default 10.0).</summary>
    public double G { get; init; } = 10.0;

    /// <summary>
    /// The NumPy promotion rules to reproduce (option <c>numpy_promotion</c>): <see cref="NumpyPromotion.Legacy"/>
    /// (default, NumPy 1.x) or <see cref="NumpyPromotion.Weak"/> (NumPy 2: the torque terms are float32).
    /// </summary>
    public NumpyPromotion NumpyPromotion { get; init; } = NumpyPromotion.Legacy;

    /// <summary>Throws when an option is invalid.</summary>
    public void Validate()
    {
        if (!double.IsFinite(G))
        {
            throw new ArgumentException($"g must be a finite number, got {G}.", nameof(G));
        }

        if (!Enum.IsDefined(NumpyPromotion))
        {
            throw new ArgumentException($"numpy_promotion {(int)NumpyPromotion} is not a NumpyPromotion value.", nameof(NumpyPromotion));
        }
    }
}
