using RLFramework.Boosting;

namespace RLFramework.Cli.Bench;

/// <summary>A named way to create a booster for the benchmarks.</summary>
/// <param name="Name">Backend name shown in the table and the JSON ("gbrl-cpu", "lightgbm", ...).</param>
/// <param name="Create">Creates an empty booster for the given options and schema.</param>
/// <param name="MaxEnsembleTrees">Largest ensemble the backend is asked to grow (workloads needing more are skipped).</param>
internal sealed record BoosterFactory(string Name, Func<GbrlOptions, FeatureSchema, IGradientBooster> Create, int MaxEnsembleTrees = int.MaxValue);

/// <summary>The backends <c>rl bench boosting</c> measures: add a backend with one line.</summary>
internal static class BoosterFactories
{
    public static IReadOnlyList<BoosterFactory> All { get; } =
    [
        new("gbrl-cpu", (options, schema) => new GbrlBooster(options, schema)),
    ];
}
