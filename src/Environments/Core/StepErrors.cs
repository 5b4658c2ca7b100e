using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RLFramework.Environments;

/// <summary>Throw helpers of the built-in environments, so that hot Step methods stay small.</summary>
internal static class StepErrors
{
    [DoesNotReturn]
    public static void NotReset(string environment) =>
        throw new InvalidOperationException($"{environment}: Step was called before Reset; call Reset (or SetState) first.");

    [DoesNotReturn]
    public static void RenderedBeforeReset(string environment) =>
        throw new InvalidOperationException($"{environment}: render was called before Reset; call Reset (or SetState) first.");

    [DoesNotReturn]
    public static void EpisodeEnded(string environment) =>
        throw new InvalidOperationException($"{environment}: Step was called after the episode terminated; call Reset to start a new episode.");

    [DoesNotReturn]
    public static void DiscreteActionOutOfRange(string environment, int action, int n) =>
        throw new ArgumentOutOfRangeException(nameof(action), action,
            $"{environment}: action {action} is outside the action space Discrete({n}): valid actions are 0..{n - 1}.");

    [DoesNotReturn]
    public static void ActionWrongLength(string environment, int length, int expected) =>
        throw new ArgumentException($"{environment}: the action has {length} values; the action space has shape ({expected},).", "action");

    [DoesNotReturn]
    public static void ActionNotFinite(string environment, int index, float value) =>
        throw new ArgumentException(
            $"{environment}: action[{index}] is {value.ToString(CultureInfo.InvariantCulture)}; actions must be finite numbers.", "action");

    [DoesNotReturn]
    public static void StateWrongLength(string environment, int length, int expected) =>
        throw new ArgumentException($"{environment}: the state has {length} values; expected {expected}.", "state");

    [DoesNotReturn]
    public static void StateOutOfRange(string environment, int state, int n) =>
        throw new ArgumentOutOfRangeException("state", state, $"{environment}: state {state} is outside 0..{n - 1}.");
}
