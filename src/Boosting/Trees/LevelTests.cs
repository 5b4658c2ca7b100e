using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RLFramework.Boosting.Trees;

/// <summary>
/// The vectorized form of <see cref="SplitTest.GoesRight"/>, as a generic struct policy chosen once per call:
/// all-numerical ensembles need one comparison per level, ensembles with categorical features two. The
/// thresholds are passed by address so that the numerical test never reads the upper bounds.
/// Result lanes are all ones where the sample goes right.
/// </summary>
internal unsafe interface ILevelTest
{
    /// <summary>Every lane of <paramref name="x"/> against the one test at <paramref name="lo"/> / <paramref name="hi"/>.</summary>
    static abstract Vector256<float> RightOfOne(Vector256<float> x, float* lo, float* hi);

    /// <summary>Lane i of <paramref name="x"/> against test i (4 tests).</summary>
    static abstract Vector128<float> Right(Vector128<float> x, float* lo, float* hi);

    /// <summary>Lane i of <paramref name="x"/> against test i (8 tests).</summary>
    static abstract Vector256<float> Right(Vector256<float> x, float* lo, float* hi);
}

/// <summary>x &gt; lo (every level numerical; hi is +inf and not read).</summary>
internal readonly unsafe struct NumericalLevelTest : ILevelTest
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RightOfOne(Vector256<float> x, float* lo, float* hi) =>
        Avx.CompareGreaterThan(x, Avx.BroadcastScalarToVector256(lo));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Right(Vector128<float> x, float* lo, float* hi) => Sse.CompareGreaterThan(x, Sse.LoadVector128(lo));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Right(Vector256<float> x, float* lo, float* hi) => Avx.CompareGreaterThan(x, Avx.LoadVector256(lo));
}

/// <summary>x &gt; lo and x &lt;= hi (numerical levels have hi = +inf; categorical ones test equality).</summary>
internal readonly unsafe struct MixedLevelTest : ILevelTest
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RightOfOne(Vector256<float> x, float* lo, float* hi) =>
        Avx.And(Avx.CompareGreaterThan(x, Avx.BroadcastScalarToVector256(lo)), Avx.CompareLessThanOrEqual(x, Avx.BroadcastScalarToVector256(hi)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Right(Vector128<float> x, float* lo, float* hi) =>
        Sse.And(Sse.CompareGreaterThan(x, Sse.LoadVector128(lo)), Sse.CompareLessThanOrEqual(x, Sse.LoadVector128(hi)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Right(Vector256<float> x, float* lo, float* hi) =>
        Avx.And(Avx.CompareGreaterThan(x, Avx.LoadVector256(lo)), Avx.CompareLessThanOrEqual(x, Avx.LoadVector256(hi)));
}

/// <summary>
/// Levels stored per oblivious tree, as a generic struct policy chosen once per call: 4 (MaxDepth &lt;= 4: two trees'
/// levels fill one 256-bit register) or 8 (MaxDepth 5-8: one tree's levels fill it). Unused levels never send right.
/// </summary>
internal interface ILevelStride
{
    /// <summary>Levels per tree.</summary>
    static abstract int Count { get; }
}

/// <summary>4 levels per tree (MaxDepth &lt;= 4).</summary>
internal readonly struct FourLevels : ILevelStride
{
    public static int Count => 4;
}

/// <summary>8 levels per tree (MaxDepth 5-8).</summary>
internal readonly struct EightLevels : ILevelStride
{
    public static int Count => 8;
}
