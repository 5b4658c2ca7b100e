using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using RLFramework.Agents.Logging;

namespace RLFramework.Agents.Tests;

/// <summary>
/// The TensorBoard event file: CRC32C against RFC 3720's vectors, one event's bytes against the protobuf and TFRecord
/// rules worked out by hand, records read back, and a damaged file reported at the right offset.
/// </summary>
public sealed class TensorBoardMetricSinkTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-tb-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A clock at <paramref name="start"/> seconds after the Unix epoch that moves on by <paramref name="step"/> at each reading.</summary>
    private sealed class SteppingClock(double start, double step) : TimeProvider
    {
        private double _now = start;

        public override DateTimeOffset GetUtcNow()
        {
            var now = DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(_now);
            _now += step;
            return now;
        }
    }

    public static TheoryData<string, byte[], uint> Crc32CVectors => new()
    {
        { "the check value of CRC-32C", Encoding.ASCII.GetBytes("123456789"), 0xE3069283 },
        { "RFC 3720 B.4: 32 bytes of zeros", new byte[32], 0x8A9136AA },
        { "RFC 3720 B.4: 32 bytes of 0xFF", Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43 },
        { "RFC 3720 B.4: 32 incrementing bytes", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794E },
        { "no bytes", [], 0x00000000 },
    };

    [Theory]
    [MemberData(nameof(Crc32CVectors))]
    public void Crc32C_matches_the_published_test_vectors(string vector, byte[] data, uint expected)
    {
        Assert.True(expected == TfRecord.Crc32C(data), vector);
        // Any split into 8-byte words and single bytes gives the same CRC: the tail of 1..7 bytes is folded in bytewise.
        for (var skip = 1; skip < Math.Min(data.Length, 9); skip++)
            Assert.Equal(TfRecord.Crc32C(data.AsSpan(skip)), Crc32CBitwise(data.AsSpan(skip)));
    }

    /// <summary>CRC32C one bit at a time, the textbook definition (reflected 0x82F63B78, inverted in and out).</summary>
    private static uint Crc32CBitwise(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void The_mask_rotates_right_by_15_and_adds_TensorFlows_delta()
    {
        Assert.Equal(0xa282ead8u, TfRecord.Mask(0));
        Assert.Equal(0xa282ead8u + (1u << 17), TfRecord.Mask(1)); // bit 0 rotates to bit 17
        Assert.Equal(0xa282ead8u + 1, TfRecord.Mask(1u << 15)); // bit 15 rotates to bit 0
        Assert.Equal(unchecked(0xFFFFFFFFu + 0xa282ead8u), TfRecord.Mask(0xFFFFFFFF)); // wraps around
    }

    [Fact]
    public void One_event_is_the_bytes_the_protobuf_and_TFRecord_rules_give()
    {
        string path;
        using (var sink = new TensorBoardMetricSink(_directory, new SteppingClock(1.5, 0)))
        {
            sink.Write(new MetricRecord(7, 1, [new("a", 0.5)]));
            path = sink.FilePath;
        }

        // Both events have wall_time = 1.5: field 1, wire type 1 (fixed64) -> tag (1 << 3) | 1 = 0x09, then the double
        // 1.5 = 0x3FF8000000000000 little-endian: 00 00 00 00 00 00 F8 3F.
        byte[] wallTime = [0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F];

        // Event 1: wall_time, then file_version = "brain.Event:2": field 3, wire type 2 (length-delimited) -> tag 0x1A,
        // length 13 = 0x0D, then the 13 ASCII bytes. 9 + 2 + 13 = 24 bytes.
        byte[] fileVersionEvent = [.. wallTime, 0x1A, 0x0D, .. "brain.Event:2"u8];

        // Event 2: wall_time; step = 7: field 2, wire type 0 (varint) -> tag 0x10, varint 0x07;
        // summary: field 5, wire type 2 -> tag 0x2A, then the Summary's length and bytes.
        //   Summary: value (field 1, wire type 2) -> tag 0x0A, length, then the Value.
        //     Value: tag = "a" (field 1, wire type 2) -> 0x0A 0x01 0x61; simple_value = 0.5f (field 2, wire type 5,
        //     fixed32) -> tag (2 << 3) | 5 = 0x15, then 0.5f = 0x3F000000 little-endian: 00 00 00 3F. 3 + 5 = 8 bytes.
        //   Summary: 0x0A 0x08 + 8 bytes = 10 bytes.
        // Event: 9 + 2 + 2 + 10 = 23 bytes.
        byte[] value = [0x0A, 0x01, (byte)'a', 0x15, 0x00, 0x00, 0x00, 0x3F];
        byte[] summary = [0x0A, (byte)value.Length, .. value];
        byte[] metricsEvent = [.. wallTime, 0x10, 0x07, 0x2A, (byte)summary.Length, .. summary];
        Assert.Equal(24, fileVersionEvent.Length);
        Assert.Equal(23, metricsEvent.Length);

        // TFRecord: length as uint64 little-endian, masked CRC32C of those 8 bytes (uint32 little-endian), the data,
        // masked CRC32C of the data. The four CRCs were computed with a bitwise CRC32C outside this code base
        // (mask(c) = ((c >> 15) | (c << 17)) + 0xa282ead8, mod 2^32):
        //   length 24: 18 00 00 00 00 00 00 00, masked CRC 0x224B7FA3; data's masked CRC 0x6C64282A
        //   length 23: 17 00 00 00 00 00 00 00, masked CRC 0x1EF8CEE7; data's masked CRC 0x8C4FD66F
        byte[] expected =
        [
            0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xA3, 0x7F, 0x4B, 0x22, .. fileVersionEvent, 0x2A, 0x28, 0x64, 0x6C,
            0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xE7, 0xCE, 0xF8, 0x1E, .. metricsEvent, 0x6F, 0xD6, 0x4F, 0x8C,
        ];
        Assert.Equal(expected, File.ReadAllBytes(path));
        // ... and those CRCs are what this code computes.
        Assert.Equal(0x6C64282Au, TfRecord.MaskedCrc32C(fileVersionEvent));
        Assert.Equal(0x8C4FD66Fu, TfRecord.MaskedCrc32C(metricsEvent));
    }

    [Fact]
    public void Records_read_back_with_their_steps_tags_and_values()
    {
        MetricRecord[] records =
        [
            new(256, 1, [new(MetricKeys.TotalTimesteps, 256), new(MetricKeys.EpisodeRewardMean, double.NaN), new(MetricKeys.Fps, 1234.5), new(MetricKeys.ApproxKl, 0.0123)]),
            new(512, 2, [new(MetricKeys.TotalTimesteps, 512), new(MetricKeys.EpisodeRewardMean, 21.25), new(MetricKeys.Fps, double.PositiveInfinity), new(MetricKeys.ApproxKl, -0.1)]),
            new(5_000_000_000, 3, [new(MetricKeys.EpisodeRewardMean, 500), new("custom/zero", 0), new("custom/negative_infinity", double.NegativeInfinity)]),
            new(0, 4, [new("only/nan", double.NaN)]),
        ];
        TensorBoardScalar[][] expected =
        [
            [new(MetricKeys.Fps, 1234.5f), new(MetricKeys.ApproxKl, 0.0123f)],
            [new(MetricKeys.EpisodeRewardMean, 21.25f), new(MetricKeys.ApproxKl, -0.1f)],
            [new(MetricKeys.EpisodeRewardMean, 500f), new("custom/zero", 0f)],
            [],
        ];
        using var sink = new TensorBoardMetricSink(Path.Combine(_directory, "nested", "PPO_1"), new SteppingClock(1_700_000_000.25, 0.5));
        for (var i = 0; i < records.Length; i++)
        {
            sink.Write(records[i]);
            // Each event is flushed: readable at once, while the sink still has the file open.
            Assert.Equal(2 + i, TensorBoardEventReader.Read(sink.FilePath).Count);
        }

        var events = TensorBoardEventReader.Read(sink.FilePath);
        Assert.Equal(TensorBoardMetricSink.FileVersion, events[0].FileVersion);
        Assert.Equal(1_700_000_000.25, events[0].WallTime);
        Assert.Equal(0, events[0].Step);
        Assert.Empty(events[0].Scalars);
        for (var i = 0; i < records.Length; i++)
        {
            var e = events[1 + i];
            Assert.Null(e.FileVersion);
            Assert.Equal(records[i].Timesteps, e.Step);
            Assert.Equal(1_700_000_000.25 + 0.5 * (1 + i), e.WallTime);
            Assert.Equal(expected[i], e.Scalars);
        }
        // The folder holds this one file.
        Assert.Equal(events.Select(Text), TensorBoardEventReader.ReadDirectory(Path.GetDirectoryName(sink.FilePath)!).Select(Text));
    }

    [Fact]
    public void The_file_is_named_as_TensorFlow_names_it_and_each_sink_writes_its_own()
    {
        using var first = new TensorBoardMetricSink(_directory, new SteppingClock(1_700_000_123.9, 0));
        using var second = new TensorBoardMetricSink(_directory, new SteppingClock(1_700_000_123.9, 0));
        var pattern = $@"^events\.out\.tfevents\.1700000123\.{Regex.Escape(System.Net.Dns.GetHostName())}\.{Environment.ProcessId}\.\d+$";
        Assert.Matches(pattern, Path.GetFileName(first.FilePath));
        Assert.Matches(pattern, Path.GetFileName(second.FilePath));
        Assert.NotEqual(first.FilePath, second.FilePath);
        Assert.Equal(Path.GetFullPath(_directory), Path.GetFullPath(Path.GetDirectoryName(first.FilePath)!));
        // Seconds are zero-padded to 10 digits, as "%010d" does.
        using var early = new TensorBoardMetricSink(_directory, new SteppingClock(1.5, 0));
        Assert.StartsWith("events.out.tfevents.0000000001.", Path.GetFileName(early.FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_in_the_way_of_the_folder_is_an_IOException()
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, "file");
        File.WriteAllText(file, "");
        Assert.ThrowsAny<IOException>(() => new TensorBoardMetricSink(Path.Combine(file, "PPO_1")));
    }

    /// <summary>
    /// The file of <see cref="One_event_is_the_bytes_the_protobuf_and_TFRecord_rules_give"/>: record 1 at byte 0 (12 + 24 + 4 = 40 bytes),
    /// record 2 at byte 40 (12 + 23 + 4 = 39 bytes), 79 bytes in all.
    /// </summary>
    [Theory]
    [InlineData(3, 0, "fails the CRC of its length")] // in the first record's length
    [InlineData(9, 0, "fails the CRC of its length")] // in the CRC of the first record's length
    [InlineData(20, 0, "fails the CRC of its 24 bytes of data")] // in the first record's data
    [InlineData(38, 0, "fails the CRC of its 24 bytes of data")] // in the first record's data CRC
    [InlineData(40, 40, "fails the CRC of its length")]
    [InlineData(60, 40, "fails the CRC of its 23 bytes of data")]
    [InlineData(78, 40, "fails the CRC of its 23 bytes of data")]
    public void A_flipped_byte_is_an_error_naming_the_file_and_the_record_offset(int flipped, int recordOffset, string expected)
    {
        var path = WriteSmallFile();
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(79, bytes.Length);
        bytes[flipped] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => TensorBoardEventReader.Read(path));
        Assert.Contains($"'{path}': the record at byte {recordOffset} {expected}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(78, "need 12+23+4 bytes, 38 are left")] // the last CRC cut short
    [InlineData(60, "need 12+23+4 bytes, 20 are left")] // within the data
    [InlineData(45, "5 bytes left, fewer than its 12-byte header")] // within the header
    public void A_truncated_file_is_an_error_naming_the_file_and_the_record_offset(int length, string expected)
    {
        var path = WriteSmallFile();
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..length]);
        var e = Assert.Throws<InvalidDataException>(() => TensorBoardEventReader.Read(path));
        Assert.Contains($"'{path}': the record at byte 40 is truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_that_is_not_an_event_is_an_error_naming_the_offset()
    {
        var path = WriteSmallFile();
        // A well-framed record whose data claims a 100-byte field in 2 bytes.
        using (var file = new FileStream(path, FileMode.Append))
            TfRecord.Write(file, [0x2A, 100]);
        var e = Assert.Throws<InvalidDataException>(() => TensorBoardEventReader.Read(path));
        Assert.Contains($"'{path}': the record at byte 79 is not a TensorBoard event: malformed protobuf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_the_reader_does_not_know_are_skipped()
    {
        // An Event with fields the reader does not read: a varint as field 4, a fixed32 as field 9, a fixed64 as field 10,
        // and a Value with a message as field 9 (its metadata) before its simple_value.
        var value = new ProtoWriter();
        value.WriteString(1, "x");
        value.WriteMessage(9, new ProtoWriter());
        value.WriteFloat(2, 2.5f);
        var summary = new ProtoWriter();
        summary.WriteMessage(1, value);
        var e = new ProtoWriter();
        e.WriteInt64(4, -1);
        e.WriteFloat(9, 1f);
        e.WriteDouble(10, 1.0);
        e.WriteInt64(2, 300);
        e.WriteMessage(5, summary);
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "events.out.tfevents.handmade");
        using (var file = File.Create(path))
            TfRecord.Write(file, e.WrittenSpan);
        var read = Assert.Single(TensorBoardEventReader.Read(path));
        Assert.Equal(300, read.Step);
        Assert.Equal([new TensorBoardScalar("x", 2.5f)], read.Scalars);
    }

    [Fact]
    public void Varints_take_seven_bits_a_byte_least_significant_first()
    {
        // 300 = 0b10_0101100: 0101100 with the continuation bit = 0xAC, then 0b10 = 0x02.
        Assert.Equal(new byte[] { 0x10, 0xAC, 0x02 }, Int64Field(2, 300));
        // A negative int64 is its two's complement as a uint64: ten bytes.
        Assert.Equal(new byte[] { 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, Int64Field(4, -1));
    }

    [Fact]
    public void The_length_field_is_uint64_little_endian()
    {
        // A guard on the framing itself, independent of the event: a 300-byte record's header.
        using var stream = new MemoryStream();
        TfRecord.Write(stream, new byte[300]);
        var bytes = stream.ToArray();
        Assert.Equal(12 + 300 + 4, bytes.Length);
        Assert.Equal(new byte[] { 0x2C, 0x01, 0, 0, 0, 0, 0, 0 }, bytes[..8]);
        Assert.Equal(TfRecord.MaskedCrc32C(bytes.AsSpan(0, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(TfRecord.MaskedCrc32C(new byte[300]), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(312)));
    }

    private static string Text(TensorBoardEvent e) => $"{e.WallTime} {e.Step} {e.FileVersion} {string.Join(' ', e.Scalars)}";

    private static byte[] Int64Field(int field, long value)
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(field, value);
        return writer.WrittenSpan.ToArray();
    }

    private string WriteSmallFile()
    {
        using var sink = new TensorBoardMetricSink(_directory, new SteppingClock(1.5, 0));
        sink.Write(new MetricRecord(7, 1, [new("a", 0.5)]));
        return sink.FilePath;
    }
}
