using System.Buffers.Binary;

namespace RLFramework.Agents.Logging;

/// <summary>One scalar of a TensorBoard event: its tag and <c>simple_value</c>.</summary>
/// <param name="Tag">The tag (a metric key such as <c>rollout/ep_rew_mean</c>).</param>
/// <param name="Value">The value (TensorBoard stores scalars as 32-bit floats).</param>
public readonly record struct TensorBoardScalar(string Tag, float Value);

/// <summary>One event of a TensorBoard event file.</summary>
/// <param name="WallTime">Seconds since the Unix epoch when it was written.</param>
/// <param name="Step">The step it was logged at (0 when the event has none).</param>
/// <param name="FileVersion">The file version of the first event of a file (<c>brain.Event:2</c>); null for the others.</param>
/// <param name="Scalars">Its <c>simple_value</c> scalars, in file order (empty for an event without a summary).</param>
public sealed record TensorBoardEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<TensorBoardScalar> Scalars);

/// <summary>
/// Reads TensorBoard event files, such as <see cref="TensorBoardMetricSink"/>, tensorboardX and PyTorch's SummaryWriter
/// write them: every record's CRCs are checked, and each event's wall time, step, file version and <c>simple_value</c>
/// scalars are returned (other fields and other kinds of values, such as TensorFlow 2's tensor scalars, are skipped).
/// A damaged or truncated file is an <see cref="InvalidDataException"/> naming the file and the byte offset of the record.
/// </summary>
public static class TensorBoardEventReader
{
    /// <summary>Every event of the file at <paramref name="path"/>, in file order.</summary>
    /// <exception cref="InvalidDataException">A record is truncated, fails its CRC, or is not an Event message.</exception>
    public static IReadOnlyList<TensorBoardEvent> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        // Readable while a sink still writes the file.
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            bytes = new byte[file.Length];
            file.ReadExactly(bytes);
        }
        var events = new List<TensorBoardEvent>();
        for (var offset = 0L; offset < bytes.Length;)
        {
            var data = ReadRecord(bytes, offset, path);
            try
            {
                events.Add(ParseEvent(data));
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"'{path}': the record at byte {offset} is not a TensorBoard event: {e.Message}.", e);
            }
            offset += TfRecord.HeaderLength + data.Length + TfRecord.FooterLength;
        }
        return events;
    }

    /// <summary>
    /// Every event of the event files (<c>events.out.tfevents.*</c>) in <paramref name="directory"/>, file after file in
    /// name order, as TensorBoard reads a run's folder.
    /// </summary>
    /// <exception cref="InvalidDataException">A record of one of the files is truncated, fails its CRC, or is not an Event message.</exception>
    public static IReadOnlyList<TensorBoardEvent> ReadDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var files = Directory.GetFiles(directory, TensorBoardMetricSink.FilePrefix + "*");
        Array.Sort(files, StringComparer.Ordinal);
        return [.. files.SelectMany(Read)];
    }

    /// <summary>The data of the record at <paramref name="offset"/>, after checking its length and CRCs.</summary>
    private static ReadOnlySpan<byte> ReadRecord(byte[] bytes, long offset, string path)
    {
        var left = bytes.Length - offset;
        if (left < TfRecord.HeaderLength)
            throw new InvalidDataException($"'{path}': the record at byte {offset} is truncated: {left} bytes left, fewer than its {TfRecord.HeaderLength}-byte header.");
        var header = bytes.AsSpan((int)offset, TfRecord.HeaderLength);
        var lengthBytes = header[..sizeof(ulong)];
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[sizeof(ulong)..]) != TfRecord.MaskedCrc32C(lengthBytes))
            throw new InvalidDataException($"'{path}': the record at byte {offset} fails the CRC of its length (the file is damaged).");
        var length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (left < TfRecord.HeaderLength + TfRecord.FooterLength || length > (ulong)(left - TfRecord.HeaderLength - TfRecord.FooterLength))
        {
            throw new InvalidDataException($"'{path}': the record at byte {offset} is truncated: its {length} bytes of data and CRC need " +
                $"{TfRecord.HeaderLength}+{length}+{TfRecord.FooterLength} bytes, {left} are left.");
        }
        var data = bytes.AsSpan((int)offset + TfRecord.HeaderLength, (int)length);
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offset + TfRecord.HeaderLength + (int)length, TfRecord.FooterLength));
        if (storedCrc != TfRecord.MaskedCrc32C(data))
            throw new InvalidDataException($"'{path}': the record at byte {offset} fails the CRC of its {length} bytes of data (the file is damaged).");
        return data;
    }

    private static TensorBoardEvent ParseEvent(ReadOnlySpan<byte> data)
    {
        var (wallTime, step, fileVersion) = (0.0, 0L, (string?)null);
        var scalars = new List<TensorBoardScalar>();
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field, type)
            {
                case (TensorBoardMetricSink.EventWallTime, WireType.Fixed64):
                    wallTime = reader.ReadDouble();
                    break;
                case (TensorBoardMetricSink.EventStep, WireType.Varint):
                    step = (long)reader.ReadVarint();
                    break;
                case (TensorBoardMetricSink.EventFileVersion, WireType.LengthDelimited):
                    fileVersion = reader.ReadString();
                    break;
                case (TensorBoardMetricSink.EventSummary, WireType.LengthDelimited):
                    ParseSummary(reader.ReadLengthDelimited(), scalars);
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }
        return new TensorBoardEvent(wallTime, step, fileVersion, scalars);
    }

    /// <summary>Adds the summary's <c>simple_value</c> values (a repeated field: several summaries of one event add up, as protobuf merges them).</summary>
    private static void ParseSummary(ReadOnlySpan<byte> summary, List<TensorBoardScalar> scalars)
    {
        var reader = new ProtoReader(summary);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == TensorBoardMetricSink.SummaryValue && type == WireType.LengthDelimited)
            {
                if (ParseValue(reader.ReadLengthDelimited()) is { } scalar)
                    scalars.Add(scalar);
            }
            else
            {
                reader.Skip(type);
            }
        }
    }

    /// <summary>The value's tag and simple_value; null for a value of another kind (an image, a histogram, a tensor).</summary>
    private static TensorBoardScalar? ParseValue(ReadOnlySpan<byte> value)
    {
        var (tag, simpleValue) = ("", (float?)null);
        var reader = new ProtoReader(value);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == TensorBoardMetricSink.ValueTag && type == WireType.LengthDelimited)
                tag = reader.ReadString();
            else if (field == TensorBoardMetricSink.ValueSimpleValue && type == WireType.Fixed32)
                simpleValue = reader.ReadFloat();
            else
                reader.Skip(type);
        }
        return simpleValue is { } v ? new TensorBoardScalar(tag, v) : null;
    }
}
