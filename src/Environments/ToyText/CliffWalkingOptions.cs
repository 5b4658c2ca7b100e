namespace RLFramework.Environments.ToyText;

/// <summary>Options of CliffWalking-v0 (Gymnasium's <c>CliffWalkingEnv</c>).</summary>
public sealed record CliffWalkingOptions
{
    /// <summary>
    /// Python <c>is_slippery</c> (Gymnasium 1.x): the move goes to the intended or either perpendicular
    /// direction with probability 1/3 each (default false).
    /// </summary>
    public bool IsSlippery { get; init; }

    /// <summary>Throws when an option is invalid (every combination is valid).</summary>
    public void Validate()
    {
    }
}
