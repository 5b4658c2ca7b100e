namespace RLFramework.Environments.ClassicControl;

/// <summary>Options of Pendulum-v1 (Gymnasium's <c>PendulumEnv</c>).</summary>
public sealed record PendulumOptions
{
    /// <summary>Python <c>g</c>: the acceleration of gravity (default 10.0).</summary>
    public double G { get; init; } = 10.0;

    /// <summary>Throws when an option is invalid.</summary>
    public void Validate()
    {
        if (!double.IsFinite(G))
        {
            throw new ArgumentException($"g must be a finite number, got {G}.", nameof(G));
        }
    }
}
