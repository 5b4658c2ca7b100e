namespace RLFramework.Agents.Tuning;

/// <summary>
/// Random search (Optuna's RandomSampler): every parameter drawn independently of the others and of the history.
/// A float is uniform on [low, high], or with <c>Log</c> uniform in log space (log-uniform). An int is uniform over
/// the integers low..high; with <c>Log</c> it is drawn uniform in log space of [low - 0.5, high + 0.5], then rounded to
/// the nearest integer and clamped to [low, high], so each integer gets the log-width of its own unit cell. A
/// categorical is uniform over its choices.
/// </summary>
/// <remarks>
/// Trial t draws from <c>new Random(unchecked(seed * 1_000_003 + t))</c>, the parameters in the order of the space:
/// the values depend on the seed and the trial number only (not on the history, nor on the process's hash
/// randomization), so a trial can be redrawn on its own. Floats are written in their shortest round-trip form
/// (invariant culture), ints as integers.
/// </remarks>
public sealed class RandomSampler : ISampler
{
    private readonly int _seed;

    /// <summary>A random sampler whose draws are fixed by <paramref name="seed"/> and the trial number.</summary>
    public RandomSampler(int seed) => _seed = seed;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sample(SearchSpace space, IReadOnlyList<TrialRecord> history, int trialNumber)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfNegative(trialNumber);
        var random = TrialRandom(_seed, trialNumber);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, distribution) in space.Parameters)
            values[key] = Draw(distribution, random);
        return values;
    }

    /// <summary>The generator of trial <paramref name="trialNumber"/> of a sampler seeded with <paramref name="seed"/>.</summary>
    internal static Random TrialRandom(int seed, int trialNumber) => new(unchecked((seed * 1_000_003) + trialNumber));

    /// <summary>One independent draw from <paramref name="distribution"/>, as option text.</summary>
    internal static string Draw(Distribution distribution, Random random) => distribution switch
    {
        FloatDistribution f => SearchSpace.Format(ClampFloat(f, f.Log
            ? Math.Exp(Uniform(random, Math.Log(f.Low), Math.Log(f.High)))
            : Uniform(random, f.Low, f.High))),
        IntDistribution n when n.Log => SearchSpace.Format(RoundInt(n, Math.Exp(Uniform(random, Math.Log(n.Low - 0.5), Math.Log(n.High + 0.5))))),
        IntDistribution n => SearchSpace.Format((int)random.NextInt64(n.Low, (long)n.High + 1)),
        CategoricalDistribution c => c.Choices[random.Next(c.Choices.Count)],
        _ => throw new ArgumentException($"Unknown distribution type {distribution.GetType().Name}.", nameof(distribution)),
    };

    /// <summary>Uniform on [<paramref name="low"/>, <paramref name="high"/>).</summary>
    internal static double Uniform(Random random, double low, double high) => low + ((high - low) * random.NextDouble());

    /// <summary><paramref name="value"/> clamped to the bounds (exp of a log bound can land an ulp outside).</summary>
    internal static double ClampFloat(FloatDistribution distribution, double value) => Math.Clamp(value, distribution.Low, distribution.High);

    /// <summary>A continuous value rounded to the nearest integer (halves away from zero) and clamped to the bounds.</summary>
    internal static int RoundInt(IntDistribution distribution, double value) =>
        (int)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), distribution.Low, distribution.High);
}
