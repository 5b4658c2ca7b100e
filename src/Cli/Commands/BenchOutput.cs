using System.Text.Json;
using Spectre.Console;

namespace RLFramework.Cli.Commands;

/// <summary>
/// What the policy-gradient benchmarks write: the learning-curve PNG (one line per method with a band of ± one
/// std over seeds) and the optional JSON and Markdown files, each written atomically.
/// </summary>
internal static class BenchOutput
{
    private static readonly JsonSerializerOptions s_jsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>
    /// Before a run: validates the settings and checks the output paths (<see cref="CheckWritable"/>). A problem is one
    /// line on the error stream, starting with <paramref name="command"/>; returns false then (exit code 2).
    /// </summary>
    public static bool Prepare(string command, Action validate, params (string Option, string? Path)[] files)
    {
        try
        {
            validate();
            CheckWritable(files);
            return true;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{command}: {ErrorText.Of(e)}");
            return false;
        }
    }

    /// <summary>After a run: writes its files; an I/O error is one line on the error stream and exit code 2.</summary>
    public static int Finish(string command, Action write)
    {
        try
        {
            write();
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{command}: {e.Message}");
            return 2;
        }
    }

    /// <summary>
    /// Checks, before a run, that each file asked for can be written (its folder is made if needed), so that a long run
    /// is not lost to a bad path at its end. Throws an <see cref="ArgumentException"/> naming the option and the path.
    /// </summary>
    public static void CheckWritable(params (string Option, string? Path)[] files)
    {
        foreach (var (option, path) in files)
        {
            if (path is null) continue;
            try
            {
                if (Directory.Exists(path)) throw new IOException("it is a folder");
                var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
                Directory.CreateDirectory(directory);
                var probe = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.probe");
                File.WriteAllBytes(probe, []);
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"{option} {path}: cannot write there ({e.Message})", option);
            }
        }
    }

    /// <summary>Writes the report as JSON and its tables as Markdown where asked, and says where.</summary>
    public static void WriteFiles<TReport>(TReport report, FileInfo? json, FileInfo? markdown, Func<TReport, string> markdownText)
    {
        if (json is not null)
        {
            WriteAtomically(json.FullName, JsonSerializer.SerializeToUtf8Bytes(report, s_jsonOptions));
            AnsiConsole.MarkupLine($"json: {Markup.Escape(json.FullName)}");
        }
        if (markdown is not null)
        {
            WriteAtomically(markdown.FullName, System.Text.Encoding.UTF8.GetBytes(markdownText(report)));
            AnsiConsole.MarkupLine($"markdown: {Markup.Escape(markdown.FullName)}");
        }
    }

    /// <summary>Writes <paramref name="content"/> to a temp file in the target folder (made if needed), then renames it.</summary>
    public static void WriteAtomically(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(path) ?? ".";
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>One method's curve; points whose mean is not finite are left out.</summary>
    internal sealed record Curve(string Name, double[] X, double[] Mean, double[] Std);

    /// <summary>Writes the PNG atomically (temp file, then rename), making the folder if needed.</summary>
    public static void SavePlot(IReadOnlyList<Curve> curves, string title, string xLabel, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var m = 0; m < curves.Count; m++)
        {
            var curve = curves[m];
            var color = palette.GetColor(m);
            var xs = new List<double>();
            var mean = new List<double>();
            var lower = new List<double>();
            var upper = new List<double>();
            for (var k = 0; k < curve.X.Length; k++)
            {
                if (!double.IsFinite(curve.Mean[k])) continue;
                xs.Add(curve.X[k]);
                mean.Add(curve.Mean[k]);
                lower.Add(curve.Mean[k] - curve.Std[k]);
                upper.Add(curve.Mean[k] + curve.Std[k]);
            }
            if (xs.Count == 0) continue;
            var fill = plot.Add.FillY([.. xs], [.. lower], [.. upper]);
            fill.FillColor = color.WithAlpha(0.15);
            fill.LineWidth = 0;
            var line = plot.Add.Scatter(xs.ToArray(), mean.ToArray());
            line.Color = color;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = curve.Name;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("return");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        var directory = Path.GetDirectoryName(path) ?? ".";
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.tmp.png");
        plot.SavePng(temporary, 900, 560);
        File.Move(temporary, path, overwrite: true);
    }
}
