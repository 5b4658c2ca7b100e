using System.Globalization;
using System.Text.Json;
using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.ToyText;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Replay;

/// <summary>
/// Replays Gymnasium reference-trace files (the format of the reference traces in <c>tests/Environments.Tests/golden</c>: classic control and
/// toy text) against registered environments, as the golden README prescribes:
/// <list type="bullet">
/// <item>the transition table <c>P</c>, when the file has one, must equal the environment's exactly;</item>
/// <item>one-step checks (environments with a float64 state, i.e. <see cref="IStatefulEnvironment{T}"/> of
/// double[]): before step k the state is set to the recorded state k-1, then the state, float32
/// observation, reward and both flags must match bit for bit;</item>
/// <item>open-loop replays of the whole trace from its initial state, only where
/// <c>open_loop_sensitivity</c> says the trace is not chaotic;</item>
/// <item>toy text (int state): the trace is stepped as recorded; where P[s][a] has several outcomes,
/// the recorded one must be among them.</item>
/// </list>
/// The environment is made through the registry (so TimeLimit sets truncated) with the file's and
/// the trace's <c>env_kwargs</c> and <c>env_attribute_overrides</c> as options.
/// </summary>
public sealed class TraceReplayer : ITraceReplayer
{
    /// <inheritdoc/>
    public bool CanReplay(JsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("env", out JsonElement env)
            || env.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (!root.TryGetProperty("traces", out JsonElement traces) || traces.ValueKind != JsonValueKind.Array)
        {
            return true; // ours to reject with a clear message
        }

        if (traces.GetArrayLength() == 0)
        {
            return root.TryGetProperty("P", out _);
        }

        JsonElement first = traces[0];
        return first.ValueKind != JsonValueKind.Object || first.TryGetProperty("initial_state", out _);
    }

    /// <inheritdoc/>
    public ReplayReport Replay(JsonDocument document, string? environmentId = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        JsonElement root = document.RootElement;
        string id = environmentId ?? TraceFile.EnvironmentId(root);
        EnvironmentOptions fileOptions = TraceFile.FileOptions(root);
        Trace[] traces = TraceFile.Traces(root, fileOptions);
        if (traces.Length == 0 && !root.TryGetProperty("P", out _))
        {
            throw TraceFile.Malformed("traces", "is empty and there is no transition table P: nothing to replay");
        }

        (Type observationType, Type actionType) = EnvironmentRegistry.ValueTypes(id);

        var results = new List<TraceResult>();
        if (root.TryGetProperty("P", out JsonElement table))
        {
            results.Add(CompareTable(id, fileOptions, table));
        }

        foreach (Trace trace in traces)
        {
            if (observationType == typeof(ReadOnlyMemory<float>) && actionType == typeof(int))
            {
                results.Add(ReplayContinuousState(id, trace, DiscreteAction));
            }
            else if (observationType == typeof(ReadOnlyMemory<float>) && actionType == typeof(ReadOnlyMemory<float>))
            {
                results.Add(ReplayContinuousState(id, trace, BoxAction));
            }
            else if (observationType == typeof(int) && actionType == typeof(int))
            {
                results.Add(ReplayDiscreteState(id, trace));
            }
            else
            {
                throw new NotSupportedException(
                    $"{id} has observations of type {observationType.Name} and actions of type {actionType.Name}; " +
                    "this replayer handles Box (ReadOnlyMemory<float>) or Discrete (int) observations and actions.");
            }
        }

        return new ReplayReport(id, results);
    }

    private static int DiscreteAction(TraceStep step, string path)
    {
        if (step.ActionIsArray || step.Action[0] != Math.Floor(step.Action[0]))
        {
            throw TraceFile.Malformed(path + ".action", "expected an integer (the environment has a Discrete action space)");
        }

        return (int)step.Action[0];
    }

    private static ReadOnlyMemory<float> BoxAction(TraceStep step, string path)
    {
        var action = new float[step.Action.Length];
        for (int i = 0; i < action.Length; i++)
        {
            action[i] = (float)step.Action[i];
        }

        return action;
    }

    private static TraceResult ReplayContinuousState<TAction>(string id, Trace trace, Func<TraceStep, string, TAction> parseAction)
    {
        var actions = new TAction[trace.Steps.Length];
        bool everyStepHasState = true;
        for (int k = 0; k < actions.Length; k++)
        {
            actions[k] = parseAction(trace.Steps[k], $"{trace.Path}.steps[{k}]");
            everyStepHasState &= trace.Steps[k].State is not null;
        }

        var check = new Checker();
        var parts = new List<string>();
        int checkedSteps = 0;
        if (everyStepHasState)
        {
            checkedSteps = RunBox(id, trace, actions, oneStep: true, check);
            parts.Add($"one-step {checkedSteps}/{trace.Steps.Length}");
        }

        if (check.First is null)
        {
            if (trace.OpenLoopStable || !everyStepHasState)
            {
                int n = RunBox(id, trace, actions, oneStep: false, check);
                checkedSteps = Math.Max(checkedSteps, n);
                parts.Add($"open-loop {n}/{trace.Steps.Length}");
            }
            else
            {
                parts.Add("open-loop skipped (chaotic trace)");
            }
        }

        return new TraceResult(trace.Name, checkedSteps, string.Join(", ", parts), check.First);
    }

    /// <summary>Steps the trace; one-step mode resets the state to the recorded one before every step. Returns the steps compared.</summary>
    private static int RunBox<TAction>(string id, Trace trace, TAction[] actions, bool oneStep, Checker check)
    {
        using IEnvironment<ReadOnlyMemory<float>, TAction> env = EnvironmentRegistry.Make<ReadOnlyMemory<float>, TAction>(id, trace.Options);
        IStatefulEnvironment<double[]> stateful = env.Unwrapped() as IStatefulEnvironment<double[]>
            ?? throw new NotSupportedException($"{id} does not implement IStatefulEnvironment<double[]>, so its state cannot be set to a trace's.");
        env.Reset(trace.ResetSeed);
        stateful.SetState(trace.InitialState);
        if (trace.InitialObservation is double[] initialObs && env.Unwrapped() is ClassicControlEnvironment classic)
        {
            CompareFloats(check, -1, "initial_obs", initialObs, classic.CurrentObservation());
        }

        int k = 0;
        for (; k < actions.Length && check.First is null; k++)
        {
            TraceStep expected = trace.Steps[k];
            if (oneStep && k > 0)
            {
                stateful.SetState(trace.Steps[k - 1].State!);
            }

            StepResult<ReadOnlyMemory<float>> result = env.Step(actions[k]);
            string prefix = oneStep ? "" : "open-loop ";
            if (expected.State is double[] state)
            {
                CompareDoubles(check, k, prefix + "state", state, stateful.GetState());
            }

            CompareFloats(check, k, prefix + "obs", expected.Observation, result.Observation.Span);
            check.Double(k, prefix + "reward", expected.Reward, result.Reward);
            check.Bool(k, prefix + "terminated", expected.Terminated, result.Terminated);
            check.Bool(k, prefix + "truncated", expected.Truncated, result.Truncated);
        }

        return check.First is null ? k : k - 1;
    }

    private static TraceResult ReplayDiscreteState(string id, Trace trace)
    {
        var check = new Checker();
        using IEnvironment<int, int> env = EnvironmentRegistry.Make<int, int>(id, trace.Options);
        IStatefulEnvironment<int> stateful = env.Unwrapped() as IStatefulEnvironment<int>
            ?? throw new NotSupportedException($"{id} does not implement IStatefulEnvironment<int>, so its state cannot be set to a trace's.");
        TransitionTable? table = (env.Unwrapped() as ToyTextEnvironment)?.P;
        if (trace.InitialState.Length != 1)
        {
            throw TraceFile.Malformed(trace.Path + ".initial_state", "expected one integer state");
        }

        env.Reset(trace.ResetSeed);
        int state = (int)trace.InitialState[0];
        stateful.SetState(state);
        int k = 0;
        for (; k < trace.Steps.Length && check.First is null; k++)
        {
            TraceStep expected = trace.Steps[k];
            int action = DiscreteAction(expected, $"{trace.Path}.steps[{k}]");
            if (expected.Observation.Length != 1)
            {
                throw TraceFile.Malformed($"{trace.Path}.steps[{k}].obs", "expected one integer observation");
            }

            int expectedNext = (int)expected.Observation[0];
            StepResult<int> result = env.Step(action);
            if (table is not null && action >= 0 && action < table.NumActions && table[state, action].Length > 1)
            {
                // Stochastic: the recorded outcome must be one of P[state][action]; continue from it.
                if (!ContainsOutcome(table[state, action], expected))
                {
                    check.Fail(k, "outcome", $"({expectedNext}, {TraceFile.Format(expected.Reward)}, {expected.Terminated})", $"none of the {table[state, action].Length} outcomes of P[{state}][{action}]");
                }

                check.Bool(k, "truncated", expected.Truncated, result.Truncated);
                if (!expected.Terminated && !expected.Truncated)
                {
                    stateful.SetState(expectedNext);
                }
            }
            else
            {
                check.Int(k, "obs", expectedNext, result.Observation);
                check.Double(k, "reward", expected.Reward, result.Reward);
                check.Bool(k, "terminated", expected.Terminated, result.Terminated);
                check.Bool(k, "truncated", expected.Truncated, result.Truncated);
                if (expected.Probability is double p)
                {
                    check.Double(k, "info.prob", p, result.Info.Probability);
                }

                if (expected.ActionMask is int[] mask)
                {
                    ulong expectedMask = 0;
                    for (int a = 0; a < mask.Length; a++)
                    {
                        expectedMask |= mask[a] != 0 ? 1UL << a : 0;
                    }

                    check.Text(k, "info.action_mask", MaskText(expectedMask, mask.Length, true), MaskText(result.Info.ActionMask, mask.Length, result.Info.HasActionMask));
                }
            }

            state = expectedNext;
        }

        int compared = check.First is null ? k : k - 1;
        return new TraceResult(trace.Name, compared, $"steps {compared}/{trace.Steps.Length}", check.First);
    }

    private static bool ContainsOutcome(ReadOnlySpan<Transition> outcomes, TraceStep step)
    {
        foreach (Transition t in outcomes)
        {
            if (t.NextState == (int)step.Observation[0] && t.Reward.Equals(step.Reward) && t.Terminated == step.Terminated
                && (step.Probability is not double p || t.Probability.Equals(p)))
            {
                return true;
            }
        }

        return false;
    }

    private static TraceResult CompareTable(string id, EnvironmentOptions options, JsonElement table)
    {
        var check = new Checker();
        using IEnvironment env = EnvironmentRegistry.Make(id, options);
        if (env.Unwrapped() is not ToyTextEnvironment toy)
        {
            check.Fail(-1, "P", "a transition table", $"{id} exposes none (it is not a toy-text environment)");
            return new TraceResult("P", 0, "transition table", check.First);
        }

        TransitionTable p = toy.P;
        if (table.ValueKind != JsonValueKind.Array)
        {
            throw TraceFile.Malformed("P", "expected an array P[state][action] of outcome lists");
        }

        check.Int(-1, "P.length (states)", table.GetArrayLength(), p.NumStates);
        int entries = 0;
        int s = 0;
        foreach (JsonElement actions in table.EnumerateArray())
        {
            if (check.First is not null || s >= p.NumStates)
            {
                break;
            }

            if (actions.ValueKind != JsonValueKind.Array)
            {
                throw TraceFile.Malformed($"P[{s}]", "expected an array of actions");
            }

            check.Int(-1, $"P[{s}].length (actions)", actions.GetArrayLength(), p.NumActions);
            int a = 0;
            foreach (JsonElement outcomes in actions.EnumerateArray())
            {
                if (check.First is not null || a >= p.NumActions)
                {
                    break;
                }

                string path = $"P[{s}][{a}]";
                if (outcomes.ValueKind != JsonValueKind.Array)
                {
                    throw TraceFile.Malformed(path, "expected a list of [prob, next_state, reward, terminated]");
                }

                ReadOnlySpan<Transition> actual = p[s, a];
                check.Int(-1, path + ".length (outcomes)", outcomes.GetArrayLength(), actual.Length);
                int i = 0;
                foreach (JsonElement outcome in outcomes.EnumerateArray())
                {
                    if (check.First is not null || i >= actual.Length)
                    {
                        break;
                    }

                    string at = $"{path}[{i}]";
                    if (outcome.ValueKind != JsonValueKind.Array || outcome.GetArrayLength() != 4)
                    {
                        throw TraceFile.Malformed(at, "expected [prob, next_state, reward, terminated]");
                    }

                    check.Double(-1, at + ".prob", TraceFile.Number(outcome[0], at + "[0]"), actual[i].Probability);
                    check.Int(-1, at + ".next_state", (int)TraceFile.Number(outcome[1], at + "[1]"), actual[i].NextState);
                    check.Double(-1, at + ".reward", TraceFile.Number(outcome[2], at + "[2]"), actual[i].Reward);
                    check.Bool(-1, at + ".terminated", TraceFile.Bool(outcome[3], at + "[3]"), actual[i].Terminated);
                    entries++;
                    i++;
                }

                a++;
            }

            s++;
        }

        return new TraceResult("P", entries, $"transition table, {entries} outcomes", check.First);
    }

    private static void CompareFloats(Checker check, int step, string field, double[] expected, ReadOnlySpan<float> actual)
    {
        check.Int(step, field + ".length", expected.Length, actual.Length);
        for (int i = 0; i < expected.Length && i < actual.Length && check.First is null; i++)
        {
            check.Float(step, $"{field}[{i}]", (float)expected[i], actual[i]);
        }
    }

    private static void CompareDoubles(Checker check, int step, string field, double[] expected, double[] actual)
    {
        check.Int(step, field + ".length", expected.Length, actual.Length);
        for (int i = 0; i < expected.Length && i < actual.Length && check.First is null; i++)
        {
            check.Double(step, $"{field}[{i}]", expected[i], actual[i]);
        }
    }

    private static string MaskText(ulong mask, int length, bool present)
    {
        if (!present)
        {
            return "no action mask";
        }

        var digits = new char[length];
        for (int a = 0; a < length; a++)
        {
            digits[a] = (mask & (1UL << a)) != 0 ? '1' : '0';
        }

        return "[" + string.Join(", ", digits) + "]";
    }

    /// <summary>Keeps the first mismatch; comparisons are bit for bit.</summary>
    private sealed class Checker
    {
        public TraceMismatch? First { get; private set; }

        public void Fail(int step, string field, string expected, string actual) =>
            First ??= new TraceMismatch(step, field, expected, actual);

        public void Double(int step, string field, double expected, double actual)
        {
            if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
            {
                Fail(step, field, TraceFile.Format(expected), TraceFile.Format(actual));
            }
        }

        public void Float(int step, string field, float expected, float actual)
        {
            if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
            {
                Fail(step, field, TraceFile.Format(expected), TraceFile.Format(actual));
            }
        }

        public void Int(int step, string field, int expected, int actual)
        {
            if (expected != actual)
            {
                Fail(step, field, expected.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture));
            }
        }

        public void Bool(int step, string field, bool expected, bool actual)
        {
            if (expected != actual)
            {
                Fail(step, field, expected ? "true" : "false", actual ? "true" : "false");
            }
        }

        public void Text(int step, string field, string expected, string actual)
        {
            if (expected != actual)
            {
                Fail(step, field, expected, actual);
            }
        }
    }
}
