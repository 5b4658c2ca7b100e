namespace RLFramework.Environments.ClassicControl;

/// <summary>Options of MountainCar-v0 and MountainCarContinuous-v0 (the reference constructors' keyword arguments).</summary>
public sealed record MountainCarOptions
{
    /// <summary>Python <c>goal_velocity</c>: the episode terminates at position >= goal with velocity >= this (default 0).</summary>
    public double GoalVelocity { get; init; }

    /// <summary>Throws when an option is invalid.</summary>
    public void Validate()
    {
        if (!double.IsFinite(GoalVelocity))
        {
            throw new ArgumentException($"goal_velocity must be a finite number, got {GoalVelocity}.", nameof(GoalVelocity));
        }
    }
}
