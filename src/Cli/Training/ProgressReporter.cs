using System.Diagnostics;
using System.Globalization;
using RLFramework.Agents.Callbacks;
using Spectre.Console;

namespace RLFramework.Cli.Training;

/// <summary>
/// Shows training progress: a Spectre.Console progress bar on a terminal, or plain lines (at most
/// one every <see cref="PlainInterval"/>, and a last one at the end) when the output is redirected.
/// </summary>
internal sealed class ProgressReporter : TrainingCallback
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);
    private readonly TextWriter _output;
    private readonly Stopwatch _sinceLine = new();
    private ProgressTask? _task;
    private long _startSteps;

    public ProgressReporter(TextWriter output) => _output = output;

    /// <summary>The bar's task while a Spectre progress display runs (null: plain lines).</summary>
    public ProgressTask? Task
    {
        get => _task;
        set => _task = value;
    }

    /// <summary>One plain progress line; fps counts the steps of this session (a resumed run starts at <paramref name="startSteps"/>).</summary>
    public static string Line(IterationContext context, long startSteps = 0) => string.Create(CultureInfo.InvariantCulture,
        $"steps {context.Timesteps,9}/{context.TotalTimesteps}  fps {Fps(context, startSteps),8:F0}  mean return {FormatReturn(context.MeanReturn),8}  trees {context.Trees,7}");

    private static double Fps(IterationContext context, long startSteps) => (context.Timesteps - startSteps) / Math.Max(context.Elapsed.TotalSeconds, 1e-9);

    private static string FormatReturn(double value) => ReturnFormat.Format(value, largeDecimals: 1);

    public override void OnTrainingStart(TrainingStartContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _startSteps = context.Agent.NumTimesteps;
        _sinceLine.Restart();
    }

    public override bool OnIterationEnd(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_task is not null)
        {
            _task.Value = Math.Min(context.Timesteps, context.TotalTimesteps);
            _task.Description = string.Create(CultureInfo.InvariantCulture,
                $"steps {context.Timesteps}/{context.TotalTimesteps} | fps {Fps(context, _startSteps):F0} | return {FormatReturn(context.MeanReturn)} | trees {context.Trees}");
            return true;
        }
        var last = context.Timesteps >= context.TotalTimesteps;
        if (last || _sinceLine.Elapsed >= PlainInterval)
        {
            _output.WriteLine(Line(context, _startSteps));
            _sinceLine.Restart();
        }
        return true;
    }
}
