using ScottPlot;

namespace RLFramework.Cli.Training;

/// <summary>
/// The PNG of <c>rl plot</c> (and of the benchmarks' sample-complexity grid): one line per group (the mean over its seeds) with a
/// min-max band; curves of several environments go to one panel per environment, stacked, each with its own axes.
/// </summary>
public static class ComparisonPlot
{
    /// <summary>Pixels of one panel.</summary>
    private const int Width = 900, PanelHeight = 540;

    /// <summary>
    /// Writes the curves to the PNG <paramref name="path"/> (atomically); <paramref name="evaluations"/> names the axis and title for
    /// evaluation curves. With <paramref name="environments"/> (each curve's environment), curves of different environments are drawn
    /// in panels of their own, in the order the environments first appear; a curve keeps its colour whatever its panel.
    /// </summary>
    public static void Write(IReadOnlyList<(string Label, CurveBand Band)> curves, bool evaluations, string path, IReadOnlyList<string>? environments = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var panels = environments is null ? [] : environments.Distinct().ToList();
        if (panels.Count <= 1)
        {
            var plot = new Plot();
            Draw(plot, curves, Enumerable.Range(0, curves.Count), evaluations, title: null);
            PlotPng.Save(plot, path);
            return;
        }
        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
        for (var p = 0; p < panels.Count; p++)
            Draw(multiplot.GetPlot(p), curves, Enumerable.Range(0, curves.Count).Where(c => environments![c] == panels[p]), evaluations, panels[p]);
        PlotPng.Save(multiplot, path, Width, PanelHeight * panels.Count);
    }

    private static void Draw(Plot plot, IReadOnlyList<(string Label, CurveBand Band)> curves, IEnumerable<int> indices, bool evaluations, string? title)
    {
        // Category10 while it lasts (the colours of earlier plots), then Category20, so that no two curves share a colour up to 20.
        IPalette palette = curves.Count <= 10 ? new ScottPlot.Palettes.Category10() : new ScottPlot.Palettes.Category20();
        var drawn = 0;
        foreach (var c in indices)
        {
            var (label, band) = curves[c];
            if (band.Steps.Length == 0)
                continue;
            drawn++;
            var color = palette.GetColor(c);
            var fill = plot.Add.FillY(band.Steps, band.Low, band.High);
            fill.FillColor = color.WithAlpha(0.25);
            fill.LineWidth = 0;
            var line = plot.Add.ScatterLine(band.Steps, band.Mean);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = band.Steps.Length == 1 ? 8 : 0; // a lone point has no line to show it
            line.LegendText = label;
        }
        if (drawn == 0)
            plot.Add.Text(evaluations ? "no evaluation logged yet" : "no episode has ended yet", 0, 0);
        plot.XLabel("environment steps");
        plot.YLabel(evaluations ? "mean evaluation return" : "mean return (last 100 episodes)");
        var kind = evaluations ? "Evaluations: mean over seeds, min-max band" : "Learning curves: mean over seeds, min-max band";
        plot.Title(title is null ? kind : $"{title}: {kind}");
        plot.ShowLegend(Alignment.LowerRight);
    }
}
