using RLFramework.Boosting;

namespace RLFramework.Agents.Policies;

/// <summary>The default ensembles of GBRL policies: the CPU GBRL booster.</summary>
internal static class Boosters
{
    /// <summary>A fresh CPU booster.</summary>
    public static IGradientBooster Create(GbrlOptions options, FeatureSchema features) => new GbrlBooster(options, features);

    /// <summary>A booster read from its saved format.</summary>
    public static IGradientBooster Load(Stream stream) => GbrlBooster.Load(stream);
}
