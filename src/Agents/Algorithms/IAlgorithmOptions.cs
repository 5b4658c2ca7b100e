namespace RLFramework.Agents.Algorithms;

/// <summary>What every algorithm's options record has in common.</summary>
public interface IAlgorithmOptions
{
    /// <summary>Number of environments stepped together.</summary>
    int NumEnvs { get; }

    /// <summary>Discount factor.</summary>
    double Gamma { get; }

    /// <summary>Normalize observations with running statistics (SB3's VecNormalize).</summary>
    bool NormalizeObservation { get; }

    /// <summary>Scale rewards by the running std of the discounted return (SB3's VecNormalize).</summary>
    bool NormalizeReward { get; }

    /// <summary>
    /// Mask illegal actions, as sb3-contrib's MaskablePPO does (see <see cref="Distributions.ActionMasking"/>): the environment
    /// reports which actions are legal with each observation (<see cref="Environments.StepInfo.ActionMask"/>, Gymnasium's
    /// <c>info["action_mask"]</c>, as Taxi-v3 does), and the policy gives the others probability 0 when it acts, learns and
    /// is evaluated. Discrete and MultiDiscrete action spaces only.
    /// </summary>
    bool UseMasking { get; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    void Validate();
}

/// <summary>Range checks shared by the options records.</summary>
internal static class OptionChecks
{
    public static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok)
            throw new ArgumentException($"{name} must be {expected}, got {value}.", name);
    }

    public static void Positive(int value, string name) => Check(value >= 1, name, value, "at least 1");

    public static void Unit(double value, string name) => Check(value is >= 0 and <= 1, name, value, "between 0 and 1");

    public static void NonNegative(double value, string name) => Check(value >= 0 && double.IsFinite(value), name, value, "finite and >= 0");
}
