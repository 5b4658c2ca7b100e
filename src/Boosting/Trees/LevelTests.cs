using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RLFramework.Boosting.Trees;

/// <summary>
/// The vectorized form of <see cref="SplitTest.GoesRight"/>, as a generic struct policy chosen once per call:
/// all-numerical ensembles need one comparison per level, ensembles with categorical features two.
/// Result lanes are all ones where the sample goes right.
/// </summary>
internal interface ILevelTest
{
    static abstract Vector256<float> Right(Vector256<float> x, float lo, float hi);

    static abstract Vector128<float> Right(Vector128<float> x, Vector128<float> lo, Vector128<float> hi);

    static abstract Vector256<float> Right(Vector256<float> x, Vector256<float> lo, Vector256<float> hi);
}

/// <summary>x &gt; lo (every level numerical; hi is +inf and not read).</summary>
internal readonly struct NumericalLevelTest : ILevelTest
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Right(Vector256<float> x, float lo, float hi) => Avx.CompareGreaterThan(x, Vector256.Create(lo));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Right(Vector128<float> x, Vector128<float> lo, Vector128<float> hi) => Sse.CompareGreaterThan(x, lo);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Right(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) => Avx.CompareGreaterThan(x, lo);
}

/// <summary>x &gt; lo and x &lt;= hi (numerical levels have hi = +inf; categorical ones test equality).</summary>
internal readonly struct MixedLevelTest : ILevelTest
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Right(Vector256<float> x, float lo, float hi) =>
        Avx.And(Avx.CompareGreaterThan(x, Vector256.Create(lo)), Avx.CompareLessThanOrEqual(x, Vector256.Create(hi)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Right(Vector128<float> x, Vector128<float> lo, Vector128<float> hi) =>
        Sse.And(Sse.CompareGreaterThan(x, lo), Sse.CompareLessThanOrEqual(x, hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Right(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) =>
        Avx.And(Avx.CompareGreaterThan(x, lo), Avx.CompareLessThanOrEqual(x, hi));
}
