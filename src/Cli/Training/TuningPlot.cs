using RLFramework.Agents.Tuning;
using ScottPlot;

namespace RLFramework.Cli.Training;

/// <summary>The optimization-history PNG of <c>rl tune</c> (Optuna's plot_optimization_history): each trial's value and the best so far.</summary>
internal static class TuningPlot
{
    public static void Write(IReadOnlyList<TrialResult> trials, string title, string path)
    {
        var plot = new Plot();
        var complete = trials.Where(t => t.Record is { State: TrialState.Complete, Value: not null }).ToList();
        var pruned = trials.Where(t => t.Record is { State: TrialState.Pruned, Value: not null }).ToList();
        if (complete.Count > 0)
        {
            var points = plot.Add.ScatterPoints(complete.Select(t => (double)t.Record.Number).ToArray(), complete.Select(t => t.Record.Value!.Value).ToArray());
            points.MarkerSize = 7;
            points.Color = Colors.C0;
            points.LegendText = "complete trial";
            var xs = new List<double>();
            var best = new List<double>();
            foreach (var trial in complete)
            {
                xs.Add(trial.Record.Number);
                best.Add(best.Count == 0 ? trial.Record.Value!.Value : Math.Max(best[^1], trial.Record.Value!.Value));
            }
            var line = plot.Add.ScatterLine(xs.ToArray(), best.ToArray());
            line.LineWidth = 2;
            line.Color = Colors.C1;
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LegendText = "best so far";
        }
        if (pruned.Count > 0)
        {
            var points = plot.Add.ScatterPoints(pruned.Select(t => (double)t.Record.Number).ToArray(), pruned.Select(t => t.Record.Value!.Value).ToArray());
            points.MarkerSize = 7;
            points.MarkerShape = MarkerShape.OpenCircle;
            points.Color = Colors.Gray;
            points.LegendText = "pruned (last evaluation)";
        }
        if (complete.Count + pruned.Count > 0)
            plot.ShowLegend(Alignment.LowerRight);
        plot.Title(title);
        plot.XLabel("trial");
        plot.YLabel("mean evaluation return");
        PlotPng.Save(plot, path);
    }
}
