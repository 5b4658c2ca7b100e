using ScottPlot;

namespace RLFramework.Benchmarks.Learning;

/// <summary>Learning curves of several seeds: the mean over seeds on a common step grid, with a min-max band.</summary>
internal static class LearningPlot
{
    public static void Write(List<(string Label, List<(long Step, double Mean)>[] Seeds)> curves, long steps, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        const int points = 100;
        for (var c = 0; c < curves.Count; c++)
        {
            var (label, seeds) = curves[c];
            var xs = new List<double>();
            var mean = new List<double>();
            var low = new List<double>();
            var high = new List<double>();
            for (var p = 1; p <= points; p++)
            {
                var step = steps * p / points;
                var values = new List<double>();
                foreach (var curve in seeds)
                {
                    var last = curve.LastOrDefault(point => point.Step <= step);
                    // A run shorter than the longest one ends where its data ends (no flat extension).
                    if (last.Step > 0 && step <= curve[^1].Step + steps / points)
                        values.Add(last.Mean);
                }
                if (values.Count < seeds.Length)
                    continue;
                xs.Add(step);
                mean.Add(values.Average());
                low.Add(values.Min());
                high.Add(values.Max());
            }
            if (xs.Count == 0)
                continue;
            var color = palette.GetColor(c);
            var band = plot.Add.FillY(xs.ToArray(), low.ToArray(), high.ToArray());
            band.FillColor = color.WithAlpha(0.25);
            band.LineWidth = 0;
            var line = plot.Add.ScatterLine(xs.ToArray(), mean.ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.LegendText = label;
        }
        plot.XLabel("environment steps");
        plot.YLabel("mean return (last 100 episodes)");
        plot.Title("Learning curves: mean over seeds, min-max band");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 560);
    }
}
