using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// A double or a vector of doubles as the operand type of dynamics written once for both (CartPole's
/// equations of motion): how a constant becomes a <typeparamref name="T"/>. Every lane of a vector
/// gets the same IEEE-754 operations as the scalar, so the results are the same bits.
/// </summary>
internal interface IDoubleLanes<T>
{
    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract T Broadcast(double value);
}

/// <summary>One double.</summary>
internal readonly struct ScalarLanes : IDoubleLanes<double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Broadcast(double value) => value;
}

/// <summary>
/// Four doubles in a <see cref="Vector256{T}"/> with the arithmetic operators as generic-math
/// interfaces (which <see cref="Vector256{T}"/> does not expose to the compiler), each one IEEE
/// operation per lane: no fused multiply-add, so each lane has the scalar code's bits.
/// </summary>
internal readonly struct Double4 :
    IDoubleLanes<Double4>,
    IAdditionOperators<Double4, Double4, Double4>,
    ISubtractionOperators<Double4, Double4, Double4>,
    IMultiplyOperators<Double4, Double4, Double4>,
    IDivisionOperators<Double4, Double4, Double4>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Double4(Vector256<double> value) => Value = value;

    public Vector256<double> Value { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double4 Broadcast(double value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double4 operator +(Double4 left, Double4 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double4 operator -(Double4 left, Double4 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double4 operator *(Double4 left, Double4 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double4 operator /(Double4 left, Double4 right) => new(left.Value / right.Value);
}
