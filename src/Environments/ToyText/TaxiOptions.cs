namespace RLFramework.Environments.ToyText;

/// <summary>Options of Taxi-v3 (Gymnasium's <c>TaxiEnv</c>).</summary>
public sealed record TaxiOptions
{
    /// <summary>
    /// Python <c>is_rainy</c> (Gymnasium 1.x): a move goes where intended with probability 0.8 and to
    /// either perpendicular side with 0.1 each (default false).
    /// </summary>
    public bool IsRainy { get; init; }

    /// <summary>
    /// Python <c>fickle_passenger</c> (Gymnasium 1.x): with probability 0.3 per episode, the passenger
    /// changes destination once, on the first move after being picked up (default false).
    /// </summary>
    public bool FicklePassenger { get; init; }

    /// <summary>Throws when an option is invalid (every combination is valid).</summary>
    public void Validate()
    {
    }
}
