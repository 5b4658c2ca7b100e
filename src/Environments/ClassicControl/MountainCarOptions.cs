namespace RLFramework.Environments.ClassicControl;

/// <summary>Options of MountainCar-v0 and MountainCarContinuous-v0 (the reference constructors' keyword arguments).</summary>
public sealed record MountainCarOptions
{
    /// <summary>Python <c>goal_velocity</c>: the episode terminates at position >= goal with velocity >= this (default 0).</summary>
    public double GoalVelocity { get; init; }

    /// <summary>
    /// MountainCarContinuous only: the NumPy promotion rules to reproduce (option <c>numpy_promotion</c>,
    /// default <see cref="NumpyPromotion.Legacy"/>, NumPy 1.x; <see cref="NumpyPromotion.Weak"/> for NumPy 2).
    /// </summary>
    public NumpyPromotion NumpyPromotion { get; init; } = NumpyPromotion.Legacy;

    /// <summary>Throws when an option is invalid.</summary>
    public void Validate()
    {
        if (!double.IsFinite(GoalVelocity))
        {
            throw new ArgumentException($"goal_velocity must be a finite number, got {GoalVelocity}.", nameof(GoalVelocity));
        }

        if (!Enum.IsDefined(NumpyPromotion))
        {
            throw new ArgumentException($"numpy_promotion {(int)NumpyPromotion} is not a NumpyPromotion value.", nameof(NumpyPromotion));
        }
    }
}
