using System.Text;
using RLFramework.Boosting.Ensemble;

namespace RLFramework.Boosting.LightGbm;

/// <summary>
/// The file format of <see cref="LightGbmBooster"/>: our header around LightGBM's own text model.
/// <code>
/// magic    8 bytes  "RLLGBM\r\n"
/// version  int32    1
/// length   int64    payload length in bytes
/// payload:
///   featureCount int32, then one int32 cardinality per feature (0 = numerical)
///   MaxDepth, Shape, Score, Binning, MaxBins, MinSamplesPerLeaf: int32 each
///   FeatureWeights: int32 count (-1 = none), then float32 each
///   slices: int32 count, then per slice: name (length-prefixed UTF-8), start int32, length int32,
///           learning rate initial float64, final float64, horizon int32, MaxGradNorm float64
///   bias: int32 count, then float32 each
///   trees: int32 count, then one byte per tree (1 = a LightGBM iteration, 0 = an empty tree)
///   chunk iterations: int32 (128), then int32 count of model texts, then per text: int64 length and
///          LightGBM's model text (LGBM_BoosterSaveModelToString, UTF-8) of one chunk of up to that many
///          iterations, newest first
/// crc32    uint32   CRC-32 (IEEE) of the payload
/// </code>
/// All numbers little-endian.
/// </summary>
internal static class LightGbmModelFile
{
    private static ReadOnlySpan<byte> Magic => "RLLGBM\r\n"u8;
    private const int Version = 1;

    /// <summary>What a model file holds.</summary>
    internal sealed record Contents(GbrlOptions Options, FeatureSchema Schema, float[] Bias, int[] IterationsBefore, byte[][] ModelStrings);

    internal static void Write(Stream stream, LightGbmBooster booster, byte[][] modelStrings)
    {
        var payload = ModelFile.Serialize(writer => WritePayload(writer, booster, modelStrings));
        using (var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            output.Write(Magic);
            output.Write(Version);
            output.Write((long)payload.Count);
            output.Write(payload);
        }
        ModelFile.WriteCrc32(stream, payload);
    }

    private static void WritePayload(BinaryWriter writer, LightGbmBooster booster, byte[][] modelStrings)
    {
        var schema = booster.Schema;
        writer.Write(schema.FeatureCount);
        foreach (var cardinality in schema.Cardinalities)
            writer.Write(cardinality);
        ModelFile.WriteOptions<OptionsEncoding>(writer, booster.Options);
        writer.Write(booster.OutputCount);
        foreach (var b in booster.Bias)
            writer.Write(b);
        writer.Write(booster.TreeCount);
        var iterations = booster.IterationsBefore;
        for (var t = 0; t < booster.TreeCount; t++)
            writer.Write((byte)(iterations[t + 1] - iterations[t]));
        writer.Write(LightGbmBooster.ChunkIterations);
        writer.Write(modelStrings.Length);
        foreach (var text in modelStrings)
        {
            writer.Write((long)text.Length);
            writer.Write(text);
        }
    }

    internal static Contents Read(Stream stream)
    {
        using var input = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var magic = ReadExactly(input, Magic.Length, "the magic number");
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException("Not a LightGBM booster file: the magic number is wrong.");
        ModelFile.CheckVersion(OptionsEncoding.Format, ReadOrThrow(input.ReadInt32, "the version"), Version);
        var length = ReadOrThrow(input.ReadInt64, "the payload length");
        if (length < 0 || length > int.MaxValue)
            throw new InvalidDataException($"LightGBM booster file has an invalid payload length {length}.");
        var payload = ReadExactly(input, (int)length, "the payload");
        ModelFile.CheckCrc32(OptionsEncoding.Format, payload, ReadOrThrow(input.ReadUInt32, "the checksum"));
        try
        {
            return ReadPayload(payload);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"LightGBM booster file is corrupt: {e.Message}", e);
        }
    }

    private static Contents ReadPayload(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        var cardinalities = new int[ReadCount(reader, "feature count")];
        for (var f = 0; f < cardinalities.Length; f++)
            cardinalities[f] = reader.ReadInt32();
        var options = ModelFile.ReadOptions<OptionsEncoding>(reader);
        options.Validate();
        var bias = new float[ReadCount(reader, "output count")];
        if (bias.Length != options.OutputCount)
            throw new InvalidDataException($"LightGBM booster file has {bias.Length} bias values for {options.OutputCount} outputs.");
        for (var k = 0; k < bias.Length; k++)
            bias[k] = reader.ReadSingle();
        var trees = ReadCount(reader, "tree count");
        var iterationsBefore = new int[trees + 1];
        for (var t = 0; t < trees; t++)
            iterationsBefore[t + 1] = iterationsBefore[t] + reader.ReadByte();
        var chunkIterations = reader.ReadInt32();
        if (chunkIterations != LightGbmBooster.ChunkIterations)
            throw new InvalidDataException($"LightGBM booster file has chunks of {chunkIterations} iterations; this build uses {LightGbmBooster.ChunkIterations}.");
        var texts = new byte[ReadCount(reader, "model text count")][];
        for (var j = 0; j < texts.Length; j++)
        {
            var length = reader.ReadInt64();
            if (length < 0 || length > payload.Length - reader.BaseStream.Position)
                throw new InvalidDataException($"LightGBM booster file has a model text of {length} bytes where {payload.Length - reader.BaseStream.Position} remain.");
            texts[j] = reader.ReadBytes((int)length);
        }
        if (reader.BaseStream.Position != payload.Length)
            throw new InvalidDataException($"LightGBM booster file has {payload.Length - reader.BaseStream.Position} unread bytes after the model texts.");
        return new Contents(options, new FeatureSchema(cardinalities), bias, iterationsBefore, texts);
    }

    private static int ReadCount(BinaryReader reader, string what)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > reader.BaseStream.Length)
            throw new InvalidDataException($"LightGBM booster file has an invalid {what} {count}.");
        return count;
    }

    private static byte[] ReadExactly(BinaryReader input, int count, string what)
    {
        var bytes = input.ReadBytes(count);
        if (bytes.Length != count)
            throw new InvalidDataException($"LightGBM booster file is truncated: it ends inside {what}.");
        return bytes;
    }

    private static T ReadOrThrow<T>(Func<T> read, string what)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"LightGBM booster file is truncated: it ends inside {what}.");
        }
    }

    /// <summary>This format's options encoding: enums as int32, names as BinaryWriter strings (7-bit length, UTF-8).</summary>
    private readonly struct OptionsEncoding : IOptionsEncoding
    {
        public static string Format => "LightGBM booster file";

        public static void WriteEnum(BinaryWriter writer, int value) => writer.Write(value);

        public static int ReadEnum(BinaryReader reader) => reader.ReadInt32();

        public static void WriteName(BinaryWriter writer, string name) => writer.Write(name);

        public static string ReadName(BinaryReader reader) => reader.ReadString();
    }
}
