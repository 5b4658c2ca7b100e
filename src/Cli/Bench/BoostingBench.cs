using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace RLFramework.Cli.Bench;

/// <summary><c>rl bench boosting [--json FILE] [--backend NAME] [--quick]</c>: the boosting workloads of issue 3.</summary>
internal static class BoostingBench
{
    public static Command CreateCommand()
    {
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file (atomic write)." };
        var backend = new Option<string?>("--backend") { Description = "Only this backend (default: all of " + string.Join(", ", BoosterFactories.All.Select(f => f.Name)) + ")." };
        var quick = new Option<bool>("--quick") { Description = "Fewer repetitions (7 instead of 31)." };
        var command = new Command("boosting", "Fit, predict, update-cost, incremental and memory workloads of the boosting engine.");
        command.Options.Add(json);
        command.Options.Add(backend);
        command.Options.Add(quick);
        command.SetAction(parse =>
        {
            var name = parse.GetValue(backend);
            var factories = BoosterFactories.All.Where(f => name is null || f.Name == name).ToList();
            if (factories.Count == 0)
            {
                Console.Error.WriteLine($"Unknown backend '{name}'. Known: {string.Join(", ", BoosterFactories.All.Select(f => f.Name))}.");
                return 2;
            }
            var results = new List<BenchResult>();
            foreach (var factory in factories)
            {
                foreach (var result in BoostingWorkloads.Run(factory, parse.GetValue(quick)))
                {
                    results.Add(result);
                    Console.Error.WriteLine(FormattableString.Invariant($"{result.Backend} {result.Name}: {result.Median:G4} {result.Unit}"));
                }
            }
            Print(results);
            if (parse.GetValue(json) is { } file)
                WriteJson(file.FullName, results);
            return 0;
        });
        return command;
    }

    private static void Print(List<BenchResult> results)
    {
        var table = new Table().AddColumns("backend", "workload", "median (wall)", "cpu (mean)", "unit", "reference", "speed-up", "goal", "met");
        foreach (var r in results)
        {
            table.AddRow(
                r.Backend,
                r.Name,
                r.Median.ToString("G4", CultureInfo.InvariantCulture),
                double.IsNaN(r.CpuMean) ? "-" : r.CpuMean.ToString("G4", CultureInfo.InvariantCulture),
                r.Unit,
                r.Reference?.ToString("G4", CultureInfo.InvariantCulture) ?? "-",
                r.Ratio is { } ratio ? ratio.ToString("F1", CultureInfo.InvariantCulture) + "x" : "-",
                r.Target is { } target ? "<= " + target.ToString("G4", CultureInfo.InvariantCulture) : "-",
                r.MeetsTarget switch { true => "yes", false => "NO", null => "-" });
        }
        AnsiConsole.Write(table);
    }

    private static void WriteJson(string path, List<BenchResult> results)
    {
        var entries = results.Select(r => new Dictionary<string, object?>
        {
            ["name"] = r.Name,
            ["backend"] = r.Backend,
            ["settings"] = r.Settings,
            ["median"] = r.Median,
            ["cpu_mean"] = double.IsNaN(r.CpuMean) ? null : r.CpuMean,
            ["unit"] = r.Unit,
            ["reference"] = r.Reference,
            ["speedup_vs_reference"] = r.Ratio,
            ["target"] = r.Target,
            ["meets_target"] = r.MeetsTarget,
        }).ToList();
        var text = JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true });
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, full, overwrite: true);
    }
}
