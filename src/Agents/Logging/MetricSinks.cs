using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RLFramework.Agents.Logging;

/// <summary>Writes each record as an SB3-style table to a <see cref="TextWriter"/> (e.g. Console.Out).</summary>
public sealed class ConsoleMetricSink(TextWriter writer) : IMetricSink
{
    /// <inheritdoc />
    public void Write(MetricRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var width = 0;
        foreach (var metric in record.Values)
            width = Math.Max(width, metric.Key.Length);
        var line = new string('-', width + 18);
        writer.WriteLine(line);
        foreach (var metric in record.Values)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {metric.Key.PadRight(width)} | {metric.Value,12:G6} |"));
        writer.WriteLine(line);
    }

    /// <inheritdoc />
    public void Dispose() => writer.Flush();
}

/// <summary>
/// Appends one CSV row per record; the columns are <see cref="MetricKeys.All"/> plus any other key
/// of the first record (or, appending to an existing file, that file's header). Each row is flushed,
/// so the file is readable while training runs.
/// </summary>
public sealed class CsvMetricSink : IMetricSink
{
    private readonly StreamWriter _writer;
    private List<string>? _columns;

    /// <summary>Creates (or overwrites) the CSV file at <paramref name="path"/>.</summary>
    public CsvMetricSink(string path)
        : this(path, append: false)
    {
    }

    /// <summary>
    /// Opens the CSV file at <paramref name="path"/>; with <paramref name="append"/>, rows go after the existing ones
    /// under the existing header (a resumed run), else the file is overwritten.
    /// </summary>
    public CsvMetricSink(string path, bool append)
    {
        if (append && File.Exists(path))
        {
            using (var reader = new StreamReader(path))
            {
                var header = reader.ReadLine();
                if (!string.IsNullOrEmpty(header))
                    _columns = [.. header.Split(',')];
            }
            _writer = new StreamWriter(path, append: _columns is not null, new UTF8Encoding(false));
        }
        else
        {
            _writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        }
    }

    /// <inheritdoc />
    public void Write(MetricRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_columns is null)
        {
            _columns = [.. MetricKeys.All];
            foreach (var metric in record.Values)
            {
                if (!_columns.Contains(metric.Key))
                    _columns.Add(metric.Key);
            }
            _writer.WriteLine(string.Join(',', _columns));
        }
        var cells = new string[_columns.Count];
        for (var c = 0; c < cells.Length; c++)
        {
            var value = record[_columns[c]];
            cells[c] = double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);
        }
        _writer.WriteLine(string.Join(',', cells));
        _writer.Flush();
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}

/// <summary>Appends one JSON object per record and line (JSON Lines).</summary>
public sealed class JsonMetricSink : IMetricSink
{
    private readonly StreamWriter _writer;

    /// <summary>Creates (or overwrites) the file at <paramref name="path"/>.</summary>
    public JsonMetricSink(string path)
        : this(path, append: false)
    {
    }

    /// <summary>Opens the file at <paramref name="path"/>; with <paramref name="append"/>, records go after the existing ones.</summary>
    public JsonMetricSink(string path, bool append) => _writer = new StreamWriter(path, append, new UTF8Encoding(false));

    /// <inheritdoc />
    public void Write(MetricRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("iteration", record.Iteration);
            foreach (var metric in record.Values)
            {
                if (double.IsFinite(metric.Value))
                    json.WriteNumber(metric.Key, metric.Value);
                else
                    json.WriteNull(metric.Key);
            }
            json.WriteEndObject();
        }
        _writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        _writer.Flush();
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
