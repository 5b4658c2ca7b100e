namespace RLFramework.Boosting.Data;

/// <summary>
/// One batch of features turned into byte bin codes, column-major (<c>Codes[feature * SampleCount + sample]</c>),
/// with the candidate splits of every feature. Buffers are reused from one boosting step to the next.
/// <list type="bullet">
/// <item>Numerical feature with thresholds t_0 &lt; ... &lt; t_(T-1): code = number of thresholds t with x &gt; t
/// (0..T); NaN gets code 0 and therefore always goes left. Candidate b (0 &lt;= b &lt; T) sends x &gt; t_b
/// (code &gt; b) right.</item>
/// <item>Categorical feature: only the m categories present in the batch get bins, in ascending order of category,
/// as the reference's candidates are the distinct values of the batch: code = 1 + rank of the category among them
/// (1..m); NaN (missing) gets code 0. Candidate b (1 &lt;= b &lt;= m) sends code == b (x == <see cref="Category"/>(f, b))
/// right, every other value left. A wide feature (MiniGrid's view cells have 198 categories) keeps small
/// histograms.</item>
/// </list>
/// </summary>
internal sealed class BinnedBatch
{
    /// <summary>Largest number of bins per feature (byte codes).</summary>
    public const int MaxBinsPerFeature = 256;

    /// <summary>Number of samples of the batch.</summary>
    public int SampleCount { get; private set; }

    /// <summary>Number of features.</summary>
    public int FeatureCount { get; private set; }

    /// <summary>Bin codes, column-major.</summary>
    public byte[] Codes { get; private set; } = [];

    /// <summary>Number of bins per feature (numerical: thresholds + 1; categorical: categories present + 1).</summary>
    public int[] BinCount { get; private set; } = [];

    /// <summary>First bin of each feature in a node histogram (prefix sum of <see cref="BinCount"/>).</summary>
    public int[] BinOffset { get; private set; } = [];

    /// <summary>Total number of bins over all features (histogram length in bins).</summary>
    public int TotalBins { get; set; }

    /// <summary>
    /// Ascending thresholds of numerical features, <c>Thresholds[feature * 256 + b]</c>, and the categories of categorical
    /// ones, <c>Thresholds[feature * 256 + b - 1]</c> for bin b; b &lt; BinCount - 1 and b &lt;= BinCount - 1 respectively.
    /// </summary>
    public float[] Thresholds { get; private set; } = [];

    /// <summary>Whether each feature is categorical.</summary>
    public bool[] IsCategorical { get; private set; } = [];

    /// <summary>Codes of one feature.</summary>
    public ReadOnlySpan<byte> Column(int feature) => Codes.AsSpan(feature * SampleCount, SampleCount);

    /// <summary>Thresholds of one numerical feature.</summary>
    public ReadOnlySpan<float> FeatureThresholds(int feature) =>
        Thresholds.AsSpan(feature * MaxBinsPerFeature, IsCategorical[feature] ? 0 : BinCount[feature] - 1);

    /// <summary>Categories present in the batch of one categorical feature, ascending (bin b holds the (b - 1)-th).</summary>
    public ReadOnlySpan<float> FeatureCategories(int feature) =>
        Thresholds.AsSpan(feature * MaxBinsPerFeature, IsCategorical[feature] ? BinCount[feature] - 1 : 0);

    /// <summary>The category of bin <paramref name="bin"/> (1 &lt;= bin &lt; BinCount) of a categorical feature.</summary>
    public float Category(int feature, int bin) => FeatureCategories(feature)[bin - 1];

    /// <summary>Sizes the buffers for a batch (reallocating only when it grows).</summary>
    public void Reset(int sampleCount, int featureCount)
    {
        SampleCount = sampleCount;
        FeatureCount = featureCount;
        if (Codes.Length < sampleCount * featureCount)
            Codes = new byte[sampleCount * featureCount];
        if (BinCount.Length != featureCount)
        {
            BinCount = new int[featureCount];
            BinOffset = new int[featureCount];
            IsCategorical = new bool[featureCount];
            Thresholds = new float[featureCount * MaxBinsPerFeature];
        }
    }
}
