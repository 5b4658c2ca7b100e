using System.Runtime.Intrinsics;

namespace RLFramework.Boosting.Splitting;

/// <summary>
/// A split score as a generic struct policy (the C# form of a C++ template parameter): the split finder
/// computes, per node, x = sum over the two children c of |S_c|^2 / n_c (S_c the sum of the split gradients
/// of child c, n_c its count; equal to n_c |m_c|^2 with m_c the mean), and the policy turns x into the score.
/// </summary>
internal interface ISplitScore
{
    /// <summary>Score of a node partition from x = sum_c |S_c|^2 / n_c.</summary>
    static abstract double Finish(double sumSquaresOverCount);

    /// <summary><see cref="Finish(double)"/> on four candidates at once.</summary>
    static abstract Vector256<double> Finish(Vector256<double> sumSquaresOverCount);
}

/// <summary>Cosine score (the reference's default) on raw gradients: sqrt(sum_c n_c |m_c|^2).</summary>
internal readonly struct CosineScore : ISplitScore
{
    /// <inheritdoc />
    public static double Finish(double sumSquaresOverCount) => Math.Sqrt(sumSquaresOverCount);

    /// <inheritdoc />
    public static Vector256<double> Finish(Vector256<double> sumSquaresOverCount) => Vector256.Sqrt(sumSquaresOverCount);
}

/// <summary>L2 score on per-column standardized gradients: sum_c n_c |m_c|^2.</summary>
internal readonly struct L2Score : ISplitScore
{
    /// <inheritdoc />
    public static double Finish(double sumSquaresOverCount) => sumSquaresOverCount;

    /// <inheritdoc />
    public static Vector256<double> Finish(Vector256<double> sumSquaresOverCount) => sumSquaresOverCount;
}

/// <summary>
/// A candidate split of one feature: numerical, bin b sends x &gt; threshold_b right; categorical, bin b sends
/// x == b - 1 right (see <see cref="Data.BinnedBatch"/>). <see cref="Score"/> is the weighted split score.
/// </summary>
internal readonly record struct SplitCandidate(int Feature, int Bin, bool IsCategorical, double Score)
{
    /// <summary>No valid candidate.</summary>
    public static SplitCandidate None => new(-1, -1, false, double.NegativeInfinity);

    /// <summary>Whether a candidate was found.</summary>
    public bool IsValid => Feature >= 0;
}
