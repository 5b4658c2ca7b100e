using System.Globalization;
using System.Net;

namespace RLFramework.Agents.Logging;

/// <summary>
/// Writes each record as TensorBoard scalars (Stable-Baselines3's <c>tensorboard_log</c>): a TensorFlow event file
/// <c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;n&gt;</c> in a folder, read by
/// <c>tensorboard --logdir</c>. Each record is one event at step <see cref="MetricRecord.Timesteps"/> (the x axis
/// SB3 logs against), with one <c>simple_value</c> per finite metric, tagged with its key (<c>rollout/ep_rew_mean</c>,
/// <c>train/approx_kl</c>, ...); NaN and infinite values are left out, and so is <see cref="MetricKeys.TotalTimesteps"/>,
/// which is the step (SB3 excludes it from TensorBoard too). Each event is flushed, so TensorBoard shows a run while it
/// trains. <see cref="TensorBoardEventReader"/> reads the file back.
/// </summary>
/// <remarks>
/// The file is TFRecords (see <c>tensorflow/core/lib/io/record_writer.cc</c>) of <c>tensorflow.Event</c> messages
/// (<c>tensorflow/core/util/event.proto</c>, <c>summary.proto</c>), the first holding only the wall time and
/// <c>file_version = "brain.Event:2"</c>, as TensorFlow's and tensorboardX's EventFileWriter write them.
/// Each sink writes a new file: a resumed run logged to the same folder adds a file, and TensorBoard reads the folder's
/// files in name order.
/// </remarks>
public sealed class TensorBoardMetricSink : IMetricSink
{
    /// <summary>The <c>file_version</c> of the first event, as TensorFlow 2 writes it.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The start of every event file's name (TensorFlow's and TensorBoard's).</summary>
    public const string FilePrefix = "events.out.tfevents.";

    // Field numbers of tensorflow.Event, tensorflow.Summary and tensorflow.Summary.Value.
    internal const int EventWallTime = 1, EventStep = 2, EventFileVersion = 3, EventSummary = 5;
    internal const int SummaryValue = 1;
    internal const int ValueTag = 1, ValueSimpleValue = 2;

    /// <summary>The last number of this process's file names (tensorboardX's _global_uid: 0 for the first file).</summary>
    private static int s_files = -1;

    private readonly FileStream _file;
    private readonly TimeProvider _time;
    private readonly ProtoWriter _value = new();
    private readonly ProtoWriter _summary = new();
    private readonly ProtoWriter _event = new();

    /// <summary>Creates <paramref name="directory"/> when missing and a new event file in it.</summary>
    /// <exception cref="IOException">The folder or the file cannot be made (e.g. a file of that name is in the way).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public TensorBoardMetricSink(string directory)
        : this(directory, TimeProvider.System)
    {
    }

    /// <summary>
    /// Creates <paramref name="directory"/> when missing and a new event file in it, the events' wall times (and the
    /// seconds in the file's name) taken from <paramref name="time"/>.
    /// </summary>
    /// <exception cref="IOException">The folder or the file cannot be made (e.g. a file of that name is in the way).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public TensorBoardMetricSink(string directory, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Directory.CreateDirectory(directory);
        var now = WallTime();
        (FilePath, _file) = CreateFile(directory, now);
        _event.WriteDouble(EventWallTime, now);
        _event.WriteString(EventFileVersion, FileVersion);
        WriteEvent();
    }

    /// <summary>The event file this sink writes.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public void Write(MetricRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _summary.Clear();
        foreach (var metric in record.Values)
        {
            if (!double.IsFinite(metric.Value) || metric.Key == MetricKeys.TotalTimesteps)
                continue;
            _value.Clear();
            _value.WriteString(ValueTag, metric.Key);
            _value.WriteFloat(ValueSimpleValue, (float)metric.Value);
            _summary.WriteMessage(SummaryValue, _value);
        }
        // proto3 leaves out a scalar field at its default, so step 0 is not written (it reads back as 0).
        _event.WriteDouble(EventWallTime, WallTime());
        if (record.Timesteps != 0)
            _event.WriteInt64(EventStep, record.Timesteps);
        _event.WriteMessage(EventSummary, _summary);
        WriteEvent();
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    /// <summary>Writes the event in <see cref="_event"/> as one record, flushed to the OS, and clears it.</summary>
    private void WriteEvent()
    {
        TfRecord.Write(_file, _event.WrittenSpan);
        _file.Flush();
        _event.Clear();
    }

    private double WallTime() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;

    /// <summary>
    /// A new file named as tensorboardX names it (<c>"events.out.tfevents.%010d.%s.%s.%s" % (time, hostname, pid, uid)</c>);
    /// never one that exists: the last number goes up until the name is free.
    /// </summary>
    private static (string Path, FileStream File) CreateFile(string directory, double now)
    {
        var stem = string.Create(CultureInfo.InvariantCulture, $"{FilePrefix}{(long)Math.Floor(now):D10}.{Dns.GetHostName()}.{Environment.ProcessId}.");
        while (true)
        {
            var path = Path.Combine(directory, stem + Interlocked.Increment(ref s_files).ToString(CultureInfo.InvariantCulture));
            try
            {
                return (path, new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read));
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
    }
}
