using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Inspection;
using RLFramework.Environments;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>rl inspect MODEL [--top K] [--tree N ...] [--env-assembly DLL] [--json FILE]</c>: what a trained tree policy looks
/// at. Per ensemble: the features ranked by the split gain of their splits (LightGBM's importance_type "gain") with their
/// split counts, the categorical tests the trees make most often, and on request whole trees, all named by the
/// environment's labels (<see cref="IEnvironmentLabels"/>). Exit 2 on a bad or corrupt file, an MLP policy or a bad option.
/// </summary>
internal static class InspectCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What <c>--json</c> writes: the report, and the requested trees as text per ensemble.</summary>
    private sealed record InspectReport(string Model, PolicyReport Policy, IReadOnlyDictionary<string, IReadOnlyList<string>> Trees);

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model file written by `rl train` (model.rlm), or its run folder." };
        var top = new Option<int>("--top") { Description = "Rows of each ranking to print (features, categorical tests).", DefaultValueFactory = _ => 10 };
        var tree = new Option<int[]>("--tree")
        {
            Description = "Also print tree N of each ensemble, its splits and leaf values named (repeatable; a negative N counts from the last tree, -1).",
            AllowMultipleArgumentsPerToken = false,
        };
        var envAssembly = EnvironmentAssemblies.CreateOption();
        var json = new Option<string?>("--json") { Description = "Also write the whole report to this JSON file (every feature and categorical test, and the trees asked for)." };
        var command = new Command("inspect", "What a trained tree policy looks at: features ranked by split gain, the categorical tests its trees make, and any tree as text.");
        command.Arguments.Add(model);
        command.Options.Add(top);
        command.Options.Add(tree);
        command.Options.Add(envAssembly);
        command.Options.Add(json);
        command.SetAction(parseResult => Run(parseResult.GetValue(model)!, parseResult.GetValue(top), parseResult.GetValue(tree) ?? [],
            Console.Out, Console.Error, parseResult.GetValue(envAssembly), parseResult.GetValue(json)));
        return command;
    }

    /// <summary>Inspects and prints; returns the exit code.</summary>
    internal static int Run(string model, int top, IReadOnlyList<int> trees, TextWriter output, TextWriter error,
        IReadOnlyList<string>? envAssemblies = null, string? jsonPath = null)
    {
        model = ModelArgument.Resolve(model);
        if (top < 1)
        {
            error.WriteLine($"rl inspect: --top must be at least 1, got {top}.");
            return 2;
        }
        try
        {
            EnvironmentAssemblies.Load(envAssemblies);
            using var agent = ActorCriticAgent.Load(model);
            using var env = agent.EnvironmentSetup.Make(agent.EnvironmentId);
            var labels = EnvironmentLabels.Of(env);
            var report = PolicyInspection.Inspect(agent, labels);
            var dumps = new Dictionary<string, IReadOnlyList<string>>();
            foreach (var (name, booster) in PolicyInspection.Ensembles(agent))
            {
                var treeLabels = PolicyInspection.Labels(agent, name, labels);
                var texts = new List<string>(trees.Count);
                foreach (var t in trees)
                {
                    var index = t < 0 ? booster.TreeCount + t : t;
                    if (index < 0 || index >= booster.TreeCount)
                        throw new ArgumentException($"--tree {t}: the {name} ensemble has {booster.TreeCount} trees (0 to {booster.TreeCount - 1}, or -1 to -{booster.TreeCount} from the last).");
                    texts.Add(booster.DumpTree(index, treeLabels));
                }
                dumps[name] = texts;
            }

            Write(output, report, top, labels.HasFeatureNames, dumps);
            if (jsonPath is not null)
                Training.RunFolder.WriteAtomically(jsonPath, JsonSerializer.Serialize(new InspectReport(Path.GetFullPath(model), report, dumps), s_json));
            return 0;
        }
        catch (Exception e) when (ModelArgument.IsUserError(e))
        {
            error.WriteLine($"rl inspect: {ErrorText.Of(e)}");
            return 2;
        }
    }

    private static void Write(TextWriter output, PolicyReport report, int top, bool named, IReadOnlyDictionary<string, IReadOnlyList<string>> dumps)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"{report.Algorithm} on {report.EnvironmentId}, {report.Timesteps:N0} steps"));
        if (!named)
            output.WriteLine("(the environment does not name its observation's elements: features are obs[i]; see IEnvironmentLabels)");
        if (report.ObservationsNormalized)
            output.WriteLine("(the trees saw normalized observations; thresholds are shown in the environment's units)");
        foreach (var ensemble in report.Ensembles)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"{ensemble.Name} ensemble: {ensemble.Trees:N0} trees, {ensemble.Splits:N0} splits; leaf outputs: {string.Join(", ", ensemble.Outputs)}"));
            WriteFeatures(output, ensemble, top);
            WriteCategoryTests(output, ensemble, top);
            foreach (var text in dumps[ensemble.Name])
            {
                output.WriteLine();
                output.Write(text);
            }
        }
    }

    private static void WriteFeatures(TextWriter output, EnsembleReport ensemble, int top)
    {
        var c = CultureInfo.InvariantCulture;
        var used = new List<FeatureUse>();
        double totalGain = 0;
        foreach (var feature in ensemble.Features)
        {
            if (feature.Splits > 0)
                used.Add(feature);
            totalGain += feature.Gain;
        }
        used.Sort((a, b) => a.Gain != b.Gain ? b.Gain.CompareTo(a.Gain) : a.Feature.CompareTo(b.Feature));
        output.WriteLine(string.Create(c, $"  features by split gain (top {Math.Min(top, used.Count)} of the {used.Count} used; {ensemble.Features.Count} in all):"));
        if (used.Count == 0)
            return;
        var rows = new List<string[]> { new[] { "#", "feature", "index", "kind", "splits", "gain share" } };
        for (var i = 0; i < Math.Min(top, used.Count); i++)
        {
            var f = used[i];
            rows.Add([
                (i + 1).ToString(c), f.Name, f.Feature.ToString(c), f.IsCategorical ? "categorical" : "numerical", f.Splits.ToString("N0", c),
                totalGain > 0 ? (f.Gain / totalGain).ToString("P1", c) : "-",
            ]);
        }
        TextTable.Write(output, rows, "    ", 0, 2, 4, 5);
    }

    private static void WriteCategoryTests(TextWriter output, EnsembleReport ensemble, int top)
    {
        if (ensemble.CategoryTests.Count == 0)
            return;
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"  categorical tests most often made (top {Math.Min(top, ensemble.CategoryTests.Count)} of {ensemble.CategoryTests.Count}):"));
        var rows = new List<string[]> { new[] { "#", "test", "splits" } };
        for (var i = 0; i < Math.Min(top, ensemble.CategoryTests.Count); i++)
        {
            var t = ensemble.CategoryTests[i];
            var value = t.Meaning is null ? t.Code.ToString(c) : string.Create(c, $"{t.Meaning} ({t.Code})");
            rows.Add([(i + 1).ToString(c), $"{t.Name} == {value}", t.Splits.ToString("N0", c)]);
        }
        TextTable.Write(output, rows, "    ", 0, 2);
    }
}
