namespace RLFramework.Cli.Commands;

/// <summary>The benchmarks' learning-curve PNG: one line per method with a band of ± one std over seeds.</summary>
internal static class MeanStdPlot
{
    /// <summary>One method's curve; points whose mean is not finite are left out.</summary>
    internal sealed record Curve(string Name, double[] X, double[] Mean, double[] Std);

    /// <summary>Writes the PNG atomically (temp file, then rename), making the folder if needed.</summary>
    public static void Save(IReadOnlyList<Curve> curves, string title, string xLabel, string path)
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
