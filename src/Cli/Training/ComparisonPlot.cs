using ScottPlot;

namespace RLFramework.Cli.Training;

/// <summary>The PNG of <c>rl plot</c> (and of the benchmarks' sample-complexity grid): one line per group (the mean over its seeds) with a min-max band.</summary>
public static class ComparisonPlot
{
    /// <summary>Writes the curves to the PNG <paramref name="path"/> (atomically); <paramref name="evaluations"/> names the axis and title for evaluation curves.</summary>
    public static void Write(IReadOnlyList<(string Label, CurveBand Band)> curves, bool evaluations, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var c = 0; c < curves.Count; c++)
        {
            var (label, band) = curves[c];
            if (band.Steps.Length == 0)
                continue;
            var color = palette.GetColor(c);
            var fill = plot.Add.FillY(band.Steps, band.Low, band.High);
            fill.FillColor = color.WithAlpha(0.25);
            fill.LineWidth = 0;
            var line = plot.Add.ScatterLine(band.Steps, band.Mean);
            line.Color = color;
            line.LineWidth = 2;
            line.LegendText = label;
        }
        plot.XLabel("environment steps");
        plot.YLabel(evaluations ? "mean evaluation return" : "mean return (last 100 episodes)");
        plot.Title(evaluations ? "Evaluations: mean over seeds, min-max band" : "Learning curves: mean over seeds, min-max band");
        plot.ShowLegend(Alignment.LowerRight);
        PlotPng.Save(plot, path);
    }
}
