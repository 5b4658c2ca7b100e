using RLFramework.Agents.Rollouts;
using ScottPlot;

namespace RLFramework.Cli.Training;

/// <summary>The learning-curve PNG of a run: every episode's return and the mean of the last 100.</summary>
internal static class LearningCurvePlot
{
    public static void Write(IReadOnlyList<EpisodeRecord> episodes, string title, string path)
    {
        var plot = new Plot();
        if (episodes.Count > 0)
        {
            var xs = new double[episodes.Count];
            var ys = new double[episodes.Count];
            var rolling = new double[episodes.Count];
            var sum = 0.0;
            for (var i = 0; i < episodes.Count; i++)
            {
                xs[i] = episodes[i].Timestep;
                ys[i] = episodes[i].Return;
                sum += ys[i];
                if (i >= 100)
                    sum -= ys[i - 100];
                rolling[i] = sum / Math.Min(i + 1, 100);
            }
            var points = plot.Add.ScatterPoints(xs, ys);
            points.MarkerSize = 2;
            points.Color = Colors.Gray.WithAlpha(0.4);
            points.LegendText = "episode return";
            var line = plot.Add.ScatterLine(xs, rolling);
            line.LineWidth = 2;
            line.Color = Colors.C0;
            line.LegendText = "mean of last 100";
            plot.ShowLegend(Alignment.LowerRight);
        }
        plot.Title(title);
        plot.XLabel("environment steps");
        plot.YLabel("return");
        PlotPng.Save(plot, path);
    }
}
