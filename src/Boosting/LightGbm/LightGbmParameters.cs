using System.Globalization;
using System.Text;

namespace RLFramework.Boosting.LightGbm;

/// <summary>
/// Translates <see cref="GbrlOptions"/> and a <see cref="FeatureSchema"/> into LightGBM parameter strings
/// so that LightGBM fits the same kind of tree as our engine: hessian 1 and no regularization, so a leaf
/// is minus the mean gradient of its samples; one thread; deterministic; silent.
/// </summary>
internal static class LightGbmParameters
{
    /// <summary>Parameters of <c>LGBM_DatasetCreateFromMat</c> (binning; used for the first batch, later batches share its bin mappers).</summary>
    internal static string Dataset(GbrlOptions options, FeatureSchema schema)
    {
        var text = new StringBuilder(256);
        Append(text, "max_bin", options.MaxBins);
        // Our quantile bins need no minimum count per bin; LightGBM's default of 3 would merge small batches' bins.
        Append(text, "min_data_in_bin", 1);
        // Keep every feature: pre-filtering by min_data_in_leaf on the first batch would drop features for good.
        text.Append("feature_pre_filter=false use_missing=true zero_as_missing=false ");
        Append(text, "data_random_seed", 1);
        AppendCommon(text);
        AppendCategorical(text, schema);
        return text.ToString().TrimEnd();
    }

    /// <summary>Parameters of <c>LGBM_BoosterCreate</c> (tree learner).</summary>
    internal static string Booster(GbrlOptions options, FeatureSchema schema)
    {
        var text = new StringBuilder(512);
        text.Append("objective=custom boosting=gbdt metric=None boost_from_average=false ");
        Append(text, "num_class", options.OutputCount);
        // Learning rates are applied per output by scaling that output's gradients (see LightGbmBooster).
        text.Append("learning_rate=1 ");
        Append(text, "max_depth", options.MaxDepth);
        Append(text, "num_leaves", Math.Min(1 << options.MaxDepth, 131072));
        Append(text, "min_data_in_leaf", options.MinSamplesPerLeaf);
        text.Append("min_sum_hessian_in_leaf=0 lambda_l1=0 lambda_l2=0 min_gain_to_split=0 ");
        text.Append("bagging_fraction=1 bagging_freq=0 feature_fraction=1 path_smooth=0 ");
        text.Append("force_col_wise=true seed=1 ");
        if (options.FeatureWeights is { } weights)
        {
            // LightGBM's feature_contri multiplies each feature's split gain, like our FeatureWeights.
            text.Append("feature_contri=");
            for (var f = 0; f < weights.Count; f++)
            {
                if (f > 0)
                    text.Append(',');
                text.Append(weights[f].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append(' ');
        }
        AppendCommon(text);
        AppendCategorical(text, schema);
        return text.ToString().TrimEnd();
    }

    /// <summary>Parameters of the prediction calls.</summary>
    internal const string Predict = "num_threads=1 verbosity=-1";

    private static void AppendCommon(StringBuilder text) =>
        text.Append("num_threads=1 deterministic=true verbosity=-1 ");

    private static void AppendCategorical(StringBuilder text, FeatureSchema schema)
    {
        var maxCardinality = 0;
        var first = true;
        for (var f = 0; f < schema.FeatureCount; f++)
        {
            if (!schema.IsCategorical(f))
                continue;
            text.Append(first ? "categorical_feature=" : ",");
            text.Append(f.ToString(CultureInfo.InvariantCulture));
            first = false;
            maxCardinality = Math.Max(maxCardinality, schema.Cardinalities[f]);
        }
        if (first)
            return;
        // One category vs the rest, as our equality splits (LightGBM's many-vs-many grouping is off).
        text.Append(' ');
        Append(text, "max_cat_to_onehot", maxCardinality + 1);
    }

    private static void Append(StringBuilder text, string name, int value) =>
        text.Append(name).Append('=').Append(value.ToString(CultureInfo.InvariantCulture)).Append(' ');
}
