namespace RLFramework.Environments.ClassicControl;

/// <summary>Which equations of motion Acrobot uses (the reference's <c>book_or_nips</c> attribute).</summary>
public enum AcrobotDynamics
{
    /// <summary>"book" (default): Sutton and Barto's book, with the -m2 l1 lc2 dtheta1^2 sin(theta2) term.</summary>
    Book,

    /// <summary>"nips": the NIPS paper's equations, without that term.</summary>
    Nips,
}

/// <summary>Options of Acrobot-v1 (attributes of Gymnasium's <c>AcrobotEnv</c>).</summary>
public sealed record AcrobotOptions
{
    /// <summary>Python attribute <c>book_or_nips</c>: "book" (default) or "nips".</summary>
    public AcrobotDynamics BookOrNips { get; init; } = AcrobotDynamics.Book;

    /// <summary>
    /// Python attribute <c>torque_noise_max</c>: when positive, uniform noise in [-max, max] is added to
    /// the torque (drawn from this environment's seeded generator, not NumPy's). Default 0.
    /// </summary>
    public double TorqueNoiseMax { get; init; }

    /// <summary>Throws when an option is invalid.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(BookOrNips))
        {
            throw new ArgumentException($"book_or_nips {(int)BookOrNips} is not an AcrobotDynamics value.", nameof(BookOrNips));
        }

        if (!double.IsFinite(TorqueNoiseMax) || TorqueNoiseMax < 0)
        {
            throw new ArgumentException($"torque_noise_max must be a finite number >= 0, got {TorqueNoiseMax}.", nameof(TorqueNoiseMax));
        }
    }

    /// <summary>Parses the reference's name: "book" or "nips".</summary>
    public static AcrobotDynamics ParseDynamics(string name) => name switch
    {
        "book" => AcrobotDynamics.Book,
        "nips" => AcrobotDynamics.Nips,
        _ => throw new ArgumentException($"book_or_nips '{name}' is not known: use \"book\" or \"nips\".", nameof(name)),
    };
}
