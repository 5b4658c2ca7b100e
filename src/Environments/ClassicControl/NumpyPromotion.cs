namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// Which NumPy type-promotion rules a reference recording ran under. Pendulum and
/// MountainCarContinuous mix float32 actions with Python floats, and NumPy 2 (NEP 50, "weak"
/// Python scalars) computes some of that arithmetic in float32 where NumPy 1.x computed in float64.
/// Option key <c>numpy_promotion</c>: "legacy" (default, the golden traces) or "weak" (NumPy 2).
/// </summary>
public enum NumpyPromotion
{
    /// <summary>NumPy 1.x value-based promotion: the arithmetic of a step is float64.</summary>
    Legacy,

    /// <summary>NumPy 2 (NEP 50): float32 values combined with Python floats stay float32.</summary>
    Weak,
}

/// <summary>Parsing of the <c>numpy_promotion</c> option.</summary>
public static class NumpyPromotions
{
    /// <summary>"legacy" or "weak" (NumPy's own names for the promotion state).</summary>
    public static NumpyPromotion Parse(string name) => name switch
    {
        "legacy" => NumpyPromotion.Legacy,
        "weak" or "numpy2" => NumpyPromotion.Weak,
        _ => throw new ArgumentException($"numpy_promotion '{name}' is not known: use \"legacy\" (NumPy 1.x) or \"weak\" (NumPy 2).", nameof(name)),
    };
}

/// <summary>
/// A NumPy scalar as NumPy 2 types it: a float32, a (strong) float64, or a weak Python float.
/// Arithmetic follows NEP 50: float32 with a Python float stays float32; anything with a float64 is float64.
/// </summary>
internal readonly record struct NumpyScalar(double Value, NumpyScalar.Kind Type)
{
    internal enum Kind
    {
        Float32,
        Float64,
        Python,
    }

    public static NumpyScalar F32(double value) => new((float)value, Kind.Float32);

    public static NumpyScalar F64(double value) => new(value, Kind.Float64);

    public static NumpyScalar Py(double value) => new(value, Kind.Python);

    public static NumpyScalar operator +(NumpyScalar a, NumpyScalar b) =>
        Result(a, b) == Kind.Float32 ? F32((float)a.Value + (float)b.Value) : new(a.Value + b.Value, Result(a, b));

    public static NumpyScalar operator -(NumpyScalar a, NumpyScalar b) =>
        Result(a, b) == Kind.Float32 ? F32((float)a.Value - (float)b.Value) : new(a.Value - b.Value, Result(a, b));

    public static NumpyScalar operator *(NumpyScalar a, NumpyScalar b) =>
        Result(a, b) == Kind.Float32 ? F32((float)a.Value * (float)b.Value) : new(a.Value * b.Value, Result(a, b));

    /// <summary>a > b, compared in float32 when the promoted type is float32.</summary>
    public static bool Greater(NumpyScalar a, NumpyScalar b) =>
        Result(a, b) == Kind.Float32 ? (float)a.Value > (float)b.Value : a.Value > b.Value;

    /// <summary>a == b, compared in float32 when the promoted type is float32.</summary>
    public static bool Equal(NumpyScalar a, NumpyScalar b) =>
        Result(a, b) == Kind.Float32 ? (float)a.Value == (float)b.Value : a.Value == b.Value;

    private static Kind Result(NumpyScalar a, NumpyScalar b) =>
        a.Type == Kind.Float64 || b.Type == Kind.Float64 ? Kind.Float64
        : a.Type == Kind.Float32 || b.Type == Kind.Float32 ? Kind.Float32
        : Kind.Python;
}
