using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Checking;

/// <summary>The problems <see cref="EnvironmentChecker"/> found; empty when the environment passed every check.</summary>
public sealed class EnvironmentCheckReport
{
    internal EnvironmentCheckReport(string environmentName, IReadOnlyList<string> problems)
    {
        EnvironmentName = environmentName;
        Problems = problems;
    }

    /// <summary>The checked environment (its spec id or type name).</summary>
    public string EnvironmentName { get; }

    /// <summary>Every problem found, in plain words.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Whether no problem was found.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>Throws an <see cref="InvalidOperationException"/> listing every problem when there is one.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new InvalidOperationException(ToString());
        }
    }

    /// <inheritdoc/>
    public override string ToString() => IsValid
        ? $"{EnvironmentName}: all checks passed."
        : $"{EnvironmentName}: {Problems.Count} problem{(Problems.Count > 1 ? "s" : "")}:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", Problems)}";
}

/// <summary>
/// Checks a user's environment against the API contract (Gymnasium's check_env): spaces present and
/// consistent with the value types, reset and step results inside the observation space, no NaN or
/// infinity in observations or rewards, identical trajectories after two resets with the same seed and
/// the same actions, and Step throwing before Reset and after the end of an episode. An environment that
/// renders (<see cref="ITextRenderable"/>, <see cref="IImageRenderable"/>) is rendered at every state of the second
/// pass: a frame must come without error, have one size, be the same when asked twice, refuse to come before the
/// first Reset, and leave the trajectory as it was. Pass a freshly constructed environment (the first check steps
/// it before any reset).
/// </summary>
public static class EnvironmentChecker
{
    private static readonly MethodInfo s_checkTyped = typeof(EnvironmentChecker).GetMethod(
        nameof(CheckTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Checks <paramref name="environment"/>, stepping at most <paramref name="steps"/> steps per pass with actions sampled under <paramref name="seed"/>.</summary>
    public static EnvironmentCheckReport Check(IEnvironment environment, int seed = 0, int steps = 200)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        string name = environment.Spec?.Id ?? environment.GetType().Name;
        var typed = Array.Find(environment.GetType().GetInterfaces(),
            t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnvironment<,>));
        if (typed is null)
        {
            return new EnvironmentCheckReport(name, [$"{environment.GetType().Name} does not implement IEnvironment<TObservation, TAction>."]);
        }

        var method = s_checkTyped.MakeGenericMethod(typed.GetGenericArguments());
        try
        {
            return (EnvironmentCheckReport)method.Invoke(null, [environment, seed, steps, name])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>Checks <paramref name="environment"/> (typed overload).</summary>
    public static EnvironmentCheckReport Check<TObservation, TAction>(IEnvironment<TObservation, TAction> environment, int seed = 0, int steps = 200)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return CheckTyped(environment, seed, steps, environment.Spec?.Id ?? environment.GetType().Name);
    }

    private static EnvironmentCheckReport CheckTyped<TObservation, TAction>(
        IEnvironment<TObservation, TAction> env, int seed, int steps, string name)
    {
        var problems = new List<string>();
        Space? observationSpace = Try(problems, "reading ObservationSpace", () => env.ObservationSpace);
        Space? actionSpace = Try(problems, "reading ActionSpace", () => env.ActionSpace);
        if (observationSpace is null || actionSpace is null)
        {
            if (problems.Count == 0)
            {
                problems.Add(observationSpace is null ? "ObservationSpace is null." : "ActionSpace is null.");
            }

            return new EnvironmentCheckReport(name, problems);
        }

        CheckSpace(problems, "ObservationSpace", observationSpace);
        CheckSpace(problems, "ActionSpace", actionSpace);
        if (env is IEnvironmentLabels labels)
        {
            CheckLabels(problems, labels, observationSpace, actionSpace);
        }
        if (!SpaceValues.Fits<TObservation>(observationSpace))
        {
            problems.Add($"Observations are {typeof(TObservation).Name} but the observation space is {observationSpace}; supported pairs: {SpaceValues.SupportedTypes}.");
        }

        if (!SpaceValues.Fits<TAction>(actionSpace))
        {
            problems.Add($"Actions are {typeof(TAction).Name} but the action space is {actionSpace}; supported pairs: {SpaceValues.SupportedTypes}.");
        }

        if (problems.Count > 0)
        {
            return new EnvironmentCheckReport(name, problems);
        }

        actionSpace.Seed(seed);
        var firstAction = SpaceValues.Sample<TAction>(actionSpace);

        // Contract: Step (and rendering) before Reset.
        ExpectThrow(problems, () => env.Step(firstAction), "Step before the first Reset");
        var frames = new RenderProbe(Rendering.TextOf(env), Rendering.ImageOf(env));
        frames.CheckBeforeReset(problems);

        // First pass: record a trajectory.
        var actions = new List<TAction>();
        var first = Record(problems, env, observationSpace, actionSpace, seed, steps, actions, replay: false, frames: null);
        if (first is null)
        {
            return new EnvironmentCheckReport(name, problems);
        }

        // Determinism: same seed, same actions -> same trajectory, also when every state is rendered.
        var second = Record(problems, env, observationSpace, actionSpace, seed, steps, actions, replay: true, frames);
        if (second is not null)
        {
            CompareTrajectories(problems, first, second, seed, frames.Renders ? " (the second pass rendered every state: rendering must not change the environment)" : "");
        }

        // Contract: Step after the episode ended, without Reset.
        if (first.EndedAt is int end)
        {
            var replayed = TryRun(problems, "replaying to the end of the first episode", () =>
            {
                env.Reset(seed);
                for (int t = 0; t <= end; t++)
                {
                    env.Step(actions[t]);
                }
            });
            if (replayed)
            {
                ExpectThrow(problems, () => env.Step(actions[0]), "Step after the episode ended (without Reset)");
            }
        }

        TryRun(problems, "a final Reset", () => env.Reset(seed));
        return new EnvironmentCheckReport(name, problems);
    }

    private static Trajectory? Record<TObservation, TAction>(
        List<string> problems, IEnvironment<TObservation, TAction> env, Space observationSpace, Space actionSpace,
        int seed, int steps, List<TAction> actions, bool replay, RenderProbe? frames)
    {
        string pass = replay ? "second pass" : "first pass";
        var trajectory = new Trajectory();
        ResetResult<TObservation> reset = default;
        if (!TryRun(problems, $"Reset(seed: {seed}) ({pass})", () => reset = env.Reset(seed)))
        {
            return null;
        }

        var flat = new float[observationSpace.FlatSize];
        if (!CheckObservation(problems, observationSpace, reset.Observation, flat, "Reset", replay))
        {
            return null;
        }

        trajectory.Observations.Add((float[])flat.Clone());
        frames?.Check(problems, "after Reset");
        var info = reset.Info;
        for (int t = 0; t < steps; t++)
        {
            if (!replay)
            {
                if (!TrySampleLegal(problems, actionSpace, info, t == 0 ? "Reset" : $"Step {t - 1}", out TAction sampled))
                {
                    return null;
                }

                actions.Add(sampled);
            }
            else if (t >= actions.Count)
            {
                break;
            }

            StepResult<TObservation> result = default;
            var action = actions[t];
            if (!TryRun(problems, $"Step {t} after Reset(seed: {seed}) ({pass})", () => result = env.Step(action)))
            {
                return null;
            }

            if (!CheckObservation(problems, observationSpace, result.Observation, flat, $"Step {t}", replay))
            {
                return null;
            }

            if (!double.IsFinite(result.Reward) && !replay)
            {
                problems.Add($"Step {t} returned the reward {result.Reward}; rewards must be finite numbers.");
            }

            trajectory.Observations.Add((float[])flat.Clone());
            frames?.Check(problems, $"after step {t}");
            info = result.Info;
            trajectory.Rewards.Add(result.Reward);
            trajectory.Flags.Add((result.Terminated, result.Truncated));
            if (result.Terminated || result.Truncated)
            {
                trajectory.EndedAt = t;
                break;
            }
        }

        if (!replay && actions.Count > trajectory.Rewards.Count)
        {
            actions.RemoveRange(trajectory.Rewards.Count, actions.Count - trajectory.Rewards.Count);
        }

        return trajectory;
    }

    /// <summary>
    /// A random action; when the environment reported an action mask with its observation (<see cref="StepInfo.ActionMask"/>),
    /// a legal one (Gymnasium's <c>action_space.sample(mask)</c>), so that environments that reject illegal actions can be
    /// checked. A mask that allows no action is a problem.
    /// </summary>
    private static bool TrySampleLegal<TAction>(List<string> problems, Space actionSpace, StepInfo info, string where, out TAction action)
    {
        action = default!;
        if (!info.HasActionMask || actionSpace is not (Discrete or MultiDiscrete))
        {
            action = SpaceValues.Sample<TAction>(actionSpace);
            return true;
        }

        try
        {
            if (actionSpace is Discrete discrete && typeof(TAction) == typeof(int))
            {
                int value = discrete.Sample(info.ActionMask);
                action = Unsafe.As<int, TAction>(ref value);
                return true;
            }

            if (actionSpace is MultiDiscrete multi && typeof(TAction) == typeof(ReadOnlyMemory<int>))
            {
                var values = new int[multi.FlatSize];
                multi.Sample(values, info.ActionMask);
                ReadOnlyMemory<int> memory = values;
                action = Unsafe.As<ReadOnlyMemory<int>, TAction>(ref memory);
                return true;
            }
        }
        catch (ArgumentException e)
        {
            problems.Add($"{where} reported the action mask 0x{info.ActionMask:X}: {e.Message} Every state needs a legal action.");
            return false;
        }

        action = SpaceValues.Sample<TAction>(actionSpace);
        return true;
    }

    private static bool CheckObservation<TObservation>(
        List<string> problems, Space space, TObservation observation, float[] flat, string where, bool quiet)
    {
        // The length first: a composite's flat value of the wrong length cannot be read at all.
        int length = typeof(TObservation) == typeof(ReadOnlyMemory<float>) ? Unsafe.As<TObservation, ReadOnlyMemory<float>>(ref observation).Length
            : typeof(TObservation) == typeof(ReadOnlyMemory<int>) ? Unsafe.As<TObservation, ReadOnlyMemory<int>>(ref observation).Length
            : space.FlatSize;
        if (length != space.FlatSize)
        {
            string unit = typeof(TObservation) == typeof(ReadOnlyMemory<int>) ? "ints" : "floats";
            problems.Add($"{where} returned an observation of {length} {unit}; the observation space {space} has {space.FlatSize}.");
            return false;
        }

        try
        {
            SpaceValues.WriteFlat(space, observation, flat);
        }
#pragma warning disable CA1031 // Every failure becomes a reported problem.
        catch (Exception e)
#pragma warning restore CA1031
        {
            problems.Add($"{where} returned an observation that cannot be read: {e.Message}");
            return false;
        }

        if (quiet)
        {
            return true;
        }

        for (int i = 0; i < flat.Length; i++)
        {
            if (!float.IsFinite(flat[i]))
            {
                problems.Add($"{where} returned an observation whose element {i} is {flat[i]}; observations must be finite.");
                return true;
            }
        }

        if (!SpaceValues.Contains(space, observation))
        {
            string part = space is CompositeSpace composite && composite.FirstInvalid(flat) is int invalid and >= 0
                ? $" (its part {composite.PartName(invalid)} [{string.Join(", ", composite.Slice(flat, invalid).ToArray())}] is not in {composite[invalid]})"
                : "";
            problems.Add($"{where} returned the observation [{string.Join(", ", flat)}], which is outside the observation space {space}{part}.");
        }

        return true;
    }

    private static void CompareTrajectories(List<string> problems, Trajectory a, Trajectory b, int seed, string note)
    {
        int n = Math.Min(a.Observations.Count, b.Observations.Count);
        for (int t = 0; t < n; t++)
        {
            if (!a.Observations[t].AsSpan().SequenceEqual(b.Observations[t]))
            {
                problems.Add($"Not deterministic: after two Reset(seed: {seed}) and the same actions, the observations differ at {(t == 0 ? "the reset" : $"step {t - 1}")} " +
                    $"([{string.Join(", ", a.Observations[t])}] then [{string.Join(", ", b.Observations[t])}]){note}.");
                return;
            }

            if (t < a.Rewards.Count && t < b.Rewards.Count)
            {
                if (a.Rewards[t].CompareTo(b.Rewards[t]) != 0)
                {
                    problems.Add($"Not deterministic: after two Reset(seed: {seed}) and the same actions, the rewards differ at step {t} ({a.Rewards[t]} then {b.Rewards[t]}){note}.");
                    return;
                }

                if (a.Flags[t] != b.Flags[t])
                {
                    problems.Add($"Not deterministic: after two Reset(seed: {seed}) and the same actions, terminated/truncated differ at step {t} ({a.Flags[t]} then {b.Flags[t]}){note}.");
                    return;
                }
            }
        }

        if (a.Observations.Count != b.Observations.Count)
        {
            problems.Add($"Not deterministic: after two Reset(seed: {seed}) and the same actions, the episodes have different lengths{note}.");
        }
    }

    private static void CheckSpace(List<string> problems, string name, Space space)
    {
        int product = 1;
        foreach (int d in space.Shape)
        {
            product *= d;
        }

        if (space is Box or MultiBinary or CompositeSpace && product != space.FlatSize)
        {
            problems.Add($"{name} {space}: the shape's product {product} differs from FlatSize {space.FlatSize}.");
        }

        if (space.Cardinalities.Count != space.FlatSize)
        {
            problems.Add($"{name} {space}: {space.Cardinalities.Count} cardinalities for {space.FlatSize} flat features.");
        }
    }

    /// <summary>An environment that names its features and actions names every one of them, without throwing.</summary>
    private static void CheckLabels(List<string> problems, IEnvironmentLabels labels, Space observationSpace, Space actionSpace)
    {
        int actions = actionSpace is Discrete discrete ? discrete.N : actionSpace.FlatSize;
        bool Named(string what, int count, Func<int, string> name)
        {
            for (int i = 0; i < count; i++)
            {
                int reported = problems.Count;
                if (string.IsNullOrWhiteSpace(Try(problems, $"IEnvironmentLabels.{what}({i})", () => name(i))))
                {
                    if (problems.Count == reported)
                    {
                        problems.Add($"IEnvironmentLabels.{what}({i}) gives no name; each of the {count} needs one.");
                    }

                    return false;
                }
            }

            return true;
        }

        if (Named(nameof(IEnvironmentLabels.FeatureName), observationSpace.FlatSize, labels.FeatureName))
        {
            Named(nameof(IEnvironmentLabels.ActionName), actions, labels.ActionName);
        }
    }

    private static void ExpectThrow(List<string> problems, Action action, string what,
        string hint = "wrap the environment in OrderEnforcing or check the order in Step")
    {
        try
        {
            action();
            problems.Add($"{what} did not throw; it must throw an InvalidOperationException ({hint}).");
        }
        catch (InvalidOperationException)
        {
        }
#pragma warning disable CA1031 // Every failure becomes a reported problem.
        catch (Exception e)
#pragma warning restore CA1031
        {
            problems.Add($"{what} threw {e.GetType().Name} (\"{e.Message}\"); it should throw an InvalidOperationException.");
        }
    }

    private static T? Try<T>(List<string> problems, string what, Func<T> func)
        where T : class
    {
        try
        {
            return func();
        }
#pragma warning disable CA1031 // Every failure becomes a reported problem.
        catch (Exception e)
#pragma warning restore CA1031
        {
            problems.Add($"{what} threw {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    private static bool TryRun(List<string> problems, string what, Action action)
    {
        try
        {
            action();
            return true;
        }
#pragma warning disable CA1031 // Every failure becomes a reported problem.
        catch (Exception e)
#pragma warning restore CA1031
        {
            problems.Add($"{what} threw {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    /// <summary>Renders every state of a pass with whatever the environment renders, and reports the first problem of each kind once.</summary>
    private sealed class RenderProbe(ITextRenderable? text, IImageRenderable? image)
    {
        private bool _textFailed;
        private bool _imageFailed;
        private int _width;
        private int _height;

        public bool Renders => text is not null || image is not null;

        public void CheckBeforeReset(List<string> problems)
        {
            const string Hint = "there is no state to show yet";
            if (text is not null)
            {
                ExpectThrow(problems, () => text.RenderText(), "RenderText before the first Reset", Hint);
            }

            if (image is not null)
            {
                ExpectThrow(problems, () => image.RenderImage(), "RenderImage before the first Reset", Hint);
            }

            var renderer = (IRenderable?)text ?? image;
            if (renderer is not null && renderer.RenderFps < 1)
            {
                problems.Add($"RenderFps is {renderer.RenderFps}; it must be at least 1 (Gymnasium's metadata[\"render_fps\"]).");
            }
        }

        public void Check(List<string> problems, string when)
        {
            if (text is not null && !_textFailed)
            {
                var frame = Try(problems, $"RenderText {when}", text.RenderText);
                _textFailed = frame is null;
                if (frame is not null && frame.Length == 0)
                {
                    problems.Add($"RenderText {when} gave an empty string; it must show the state.");
                    _textFailed = true;
                }
                else if (frame is not null && Try(problems, $"RenderText {when} (asked again)", text.RenderText) != frame)
                {
                    problems.Add($"RenderText {when} gave two different texts for one state; rendering must only read the state.");
                    _textFailed = true;
                }
            }

            if (image is not null && !_imageFailed)
            {
                var frame = Try(problems, $"RenderImage {when}", image.RenderImage);
                _imageFailed = frame is null;
                if (frame is null)
                {
                    return;
                }

                if (_width == 0)
                {
                    (_width, _height) = (frame.Width, frame.Height);
                }
                else if (frame.Width != _width || frame.Height != _height)
                {
                    problems.Add($"RenderImage {when} gave a {frame.Width}x{frame.Height} image after {_width}x{_height} ones; every frame must have one size.");
                    _imageFailed = true;
                    return;
                }

                var again = Try(problems, $"RenderImage {when} (asked again)", image.RenderImage);
                if (again is not null && !again.Pixels.SequenceEqual(frame.Pixels))
                {
                    problems.Add($"RenderImage {when} gave two different images for one state; rendering must only read the state.");
                    _imageFailed = true;
                }
            }
        }
    }

    private sealed class Trajectory
    {
        public List<float[]> Observations { get; } = [];

        public List<double> Rewards { get; } = [];

        public List<(bool Terminated, bool Truncated)> Flags { get; } = [];

        public int? EndedAt { get; set; }
    }
}
