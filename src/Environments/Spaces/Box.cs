using System.Diagnostics.CodeAnalysis;

namespace RLFramework.Environments.Spaces;

/// <summary>
/// A box in R^n with per-element float bounds (Gymnasium's Box). Bounds may be infinite. Elements
/// can be marked categorical: such an element holds an integer code 0..n-1 and tree learners split
/// on it by equality (<see cref="Space.Cardinalities"/>).
/// </summary>
public sealed class Box : Space
{
    private readonly float[] _low;
    private readonly float[] _high;
    private readonly int[] _shape;
    private readonly int[] _cardinalities;
    private Random _random;

    /// <summary>A box of <paramref name="shape"/> whose elements all lie in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public Box(float low, float high, params int[] shape)
        : this(Filled(low, shape), Filled(high, shape), shape)
    {
    }

    /// <summary>
    /// A box with per-element bounds. <paramref name="shape"/> defaults to one dimension of the bounds'
    /// length; <paramref name="cardinalities"/> (per element, 0 = numerical) marks categorical elements.
    /// </summary>
    public Box(float[] low, float[] high, int[]? shape = null, int[]? cardinalities = null)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        shape ??= [low.Length];
        int size = CheckedSize(shape);
        if (low.Length != size || high.Length != size)
        {
            throw new ArgumentException(
                $"Box bounds have {low.Length} (low) and {high.Length} (high) elements but the shape [{string.Join(", ", shape)}] has {size}.",
                nameof(low));
        }

        for (int i = 0; i < size; i++)
        {
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]))
            {
                throw new ArgumentException($"Box bound {i} is NaN.", nameof(low));
            }

            if (low[i] > high[i])
            {
                throw new ArgumentException($"Box element {i} has low {low[i]} above high {high[i]}.", nameof(low));
            }
        }

        var cards = cardinalities is null ? new int[size] : (int[])cardinalities.Clone();
        if (cards.Length != size)
        {
            throw new ArgumentException($"Box has {size} elements but {cards.Length} cardinalities.", nameof(cardinalities));
        }

        for (int i = 0; i < size; i++)
        {
            if (cards[i] < 0)
            {
                throw new ArgumentException($"Box cardinality {i} is negative ({cards[i]}).", nameof(cardinalities));
            }
        }

        _low = (float[])low.Clone();
        _high = (float[])high.Clone();
        _shape = (int[])shape.Clone();
        _cardinalities = cards;
        _random = new Random(0);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc/>
    public override int FlatSize => _low.Length;

    /// <inheritdoc/>
    public override IReadOnlyList<int> Cardinalities => _cardinalities;

    /// <summary>Lower bounds, one per element (row-major).</summary>
    public ReadOnlySpan<float> Low => _low;

    /// <summary>Upper bounds, one per element (row-major).</summary>
    public ReadOnlySpan<float> High => _high;

    /// <summary>Whether every element has finite bounds on both sides.</summary>
    public bool IsBounded
    {
        get
        {
            for (int i = 0; i < _low.Length; i++)
            {
                if (!float.IsFinite(_low[i]) || !float.IsFinite(_high[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Returns a copy of this box whose elements <paramref name="cardinalities"/> marks as categorical
    /// (per element: 0 = numerical, n = integer codes 0..n-1).
    /// </summary>
    public Box WithCardinalities(params int[] cardinalities) => new(_low, _high, _shape, cardinalities);

    /// <inheritdoc/>
    public override void Seed(int seed) => _random = new Random(seed);

    /// <summary>
    /// Whether <paramref name="value"/> has the right length, no NaN, every element within its bounds,
    /// and every categorical element an integer code below its cardinality.
    /// </summary>
    public bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != _low.Length)
        {
            return false;
        }

        for (int i = 0; i < value.Length; i++)
        {
            float v = value[i];
            if (float.IsNaN(v) || v < _low[i] || v > _high[i])
            {
                return false;
            }

            int n = _cardinalities[i];
            if (n > 0 && (v != MathF.Floor(v) || v < 0 || v >= n))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes a random element into <paramref name="destination"/> with Gymnasium's scheme: uniform on
    /// bounded elements, normal when unbounded on both sides, shifted exponential when bounded on one
    /// side, a uniform code for categorical elements.
    /// </summary>
    public void Sample(Span<float> destination)
    {
        if (destination.Length != _low.Length)
        {
            ThrowLength(destination.Length, _low.Length);
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = SampleElement(i);
        }
    }

    /// <summary>Returns a new random element (allocates; prefer <see cref="Sample(Span{float})"/> in loops).</summary>
    public float[] Sample()
    {
        var value = new float[_low.Length];
        Sample(value);
        return value;
    }

    /// <summary>Clips <paramref name="value"/> into the bounds in place.</summary>
    public void Clip(Span<float> value)
    {
        if (value.Length != _low.Length)
        {
            ThrowLength(value.Length, _low.Length);
        }

        for (int i = 0; i < value.Length; i++)
        {
            value[i] = Math.Clamp(value[i], _low[i], _high[i]);
        }
    }

    /// <summary>
    /// Gymnasium's form: <c>Box(low, high, shape)</c>, each bound a scalar when it is the same for every
    /// element. A non-uniform bound lists its elements with runs of eight or more equal values written
    /// as <c>value xN</c> (a MiniGrid observation reads <c>Box(0, [197 x49, 3, 5], (51,), 51 categorical)</c>);
    /// categorical elements are counted at the end.
    /// </summary>
    public override string ToString()
    {
        int categorical = 0;
        foreach (int n in _cardinalities)
        {
            categorical += n > 0 ? 1 : 0;
        }

        string suffix = categorical > 0 ? $", {categorical} categorical" : "";
        return $"Box({FormatBound(_low)}, {FormatBound(_high)}, {ShapeText()}{suffix})";
    }

    /// <summary>
    /// Every bound written out: <c>Box(low, high, shape)</c> with scalars only when both bounds are uniform, else both
    /// as full lists; no categorical marks. This is the form model files record a space in (it was <see cref="ToString"/>
    /// before long runs were shortened), so it must not change: files written before still load.
    /// </summary>
    public string ToFullString()
    {
        bool uniform = true;
        for (int i = 1; i < _low.Length; i++)
        {
            uniform &= _low[i] == _low[0] && _high[i] == _high[0];
        }

        return uniform
            ? $"Box({Format(_low[0])}, {Format(_high[0])}, {ShapeText()})"
            : $"Box([{string.Join(", ", Array.ConvertAll(_low, Format))}], [{string.Join(", ", Array.ConvertAll(_high, Format))}], {ShapeText()})";
    }

    private string ShapeText() => $"({string.Join(", ", _shape)}{(_shape.Length == 1 ? "," : "")})";

    private static string FormatBound(float[] values)
    {
        const int MinRun = 8;
        int first = 0;
        while (first < values.Length && values[first].Equals(values[0]))
        {
            first++;
        }

        if (first == values.Length)
        {
            return Format(values[0]);
        }

        var text = new System.Text.StringBuilder("[");
        for (int start = 0; start < values.Length;)
        {
            int end = start + 1;
            while (end < values.Length && values[end].Equals(values[start]))
            {
                end++;
            }

            int run = end - start;
            for (int k = 0; k < (run >= MinRun ? 1 : run); k++)
            {
                text.Append(start + k > 0 ? ", " : "").Append(Format(values[start]));
            }

            if (run >= MinRun)
            {
                text.Append(" x").Append(run.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            start = end;
        }

        return text.Append(']').ToString();
    }

    private float SampleElement(int i)
    {
        int n = _cardinalities[i];
        if (n > 0)
        {
            float lo = MathF.Max(0f, MathF.Ceiling(_low[i]));
            float hi = MathF.Min(n - 1, MathF.Floor(_high[i]));
            return lo >= hi ? lo : lo + _random.Next((int)(hi - lo) + 1);
        }

        float low = _low[i];
        float high = _high[i];
        bool lowFinite = float.IsFinite(low);
        bool highFinite = float.IsFinite(high);
        if (lowFinite && highFinite)
        {
            // Clamp: rounding to float can land on high + ulp.
            return Math.Clamp((float)(low + ((double)high - low) * _random.NextDouble()), low, high);
        }

        if (!lowFinite && !highFinite)
        {
            return (float)Normal();
        }

        double exponential = -Math.Log(1.0 - _random.NextDouble());
        return lowFinite ? (float)(low + exponential) : (float)(high - exponential);
    }

    private double Normal()
    {
        // Box-Muller with one draw kept simple: deterministic under the seed.
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static float[] Filled(float value, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var array = new float[CheckedSize(shape)];
        Array.Fill(array, value);
        return array;
    }

    private static int CheckedSize(int[] shape)
    {
        int size = 1;
        foreach (int d in shape)
        {
            if (d < 1)
            {
                throw new ArgumentException($"Box shape [{string.Join(", ", shape)}] has a dimension below 1.", nameof(shape));
            }

            size = checked(size * d);
        }

        return size;
    }

    private static string Format(float v) => float.IsInfinity(v)
        ? (v > 0 ? "inf" : "-inf")
        : v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [DoesNotReturn]
    private static void ThrowLength(int got, int expected) =>
        throw new ArgumentException($"Box element has {got} floats but the box has {expected}.");
}
