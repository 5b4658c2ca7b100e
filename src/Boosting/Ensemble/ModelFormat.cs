using System.Text;
using RLFramework.Boosting.Ensemble;

namespace RLFramework.Boosting;

/// <summary>
/// The GBRL model file, version 1. Little-endian; strings are a u16 byte length then UTF-8.
/// <code>
/// magic      4 bytes  "GBRL"
/// version    u32      1
/// -- options --
/// maxDepth i32, shape u8 (0 oblivious, 1 greedy), score u8 (0 cosine, 1 L2), binning u8 (0 quantile, 1 uniform),
/// maxBins i32, minSamplesPerLeaf i32,
/// featureWeightCount i32 (-1: none), then that many f32,
/// sliceCount i32, then per slice: name string, start i32, length i32,
///   lrInitial f64, lrFinal f64, lrHorizon i32, maxGradNorm f64
/// -- schema --
/// featureCount i32, then featureCount cardinalities i32
/// -- state --
/// bias       outputCount f32
/// importance featureCount x (splitCount i64, totalGain f64)
/// treeCount  i32
/// trees      treeCount records:
///   oblivious: depth u8, depth x (feature i32, lo f32, hi f32), 2^depth x outputCount leaf values f32, output-major
///   greedy:    nodeCount i32, leafCount i32 (= nodeCount + 1), nodeCount x (feature i32, lo f32, hi f32,
///              left i32, right i32; a child &lt; 0 is leaf ~child), leafCount x outputCount leaf values f32, leaf-major
///   A test sends x right when x &gt; lo and x &lt;= hi (numerical: hi = +inf; categorical c: lo = c - 1 ulp, hi = c).
///   Leaf values include the learning rate; prediction = bias - sum of reached leaf values.
/// -- trailer --
/// crc32      u32      CRC-32 (IEEE) of every byte before it
/// </code>
/// Reading checks the length and the checksum before parsing, then every count and index, and reports a
/// truncated or corrupt file as an <see cref="InvalidDataException"/>.
/// </summary>
internal static class ModelFormat
{
    private const uint Magic = 0x4C524247; // "GBRL" little-endian
    private const uint Version = 1;

    public static void Write(Stream stream, GbrlBooster booster)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = ModelFile.Serialize(w => WriteBody(w, booster));
        stream.Write(bytes);
        ModelFile.WriteCrc32(stream, bytes);
    }

    public static void WriteFile(string path, GbrlBooster booster) => ModelFile.WriteAtomically(path, file => Write(file, booster));

    private static void WriteBody(BinaryWriter w, GbrlBooster booster)
    {
        w.Write(Magic);
        w.Write(Version);
        ModelFile.WriteOptions<OptionsEncoding>(w, booster.Options);
        w.Write(booster.FeatureCount);
        foreach (var c in booster.Schema.Cardinalities)
            w.Write(c);
        foreach (var b in booster.Bias)
            w.Write(b);
        var importance = booster.GetFeatureImportance();
        for (var f = 0; f < booster.FeatureCount; f++)
        {
            w.Write(importance.SplitCounts[f]);
            w.Write(importance.TotalGain[f]);
        }
        w.Write(booster.TreeCount);
        var store = booster.Store;
        for (var t = 0; t < booster.TreeCount; t++)
            store.WriteTree(w, t);
    }

    public static GbrlBooster Read(Stream stream, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        if (bytes.Length < 12)
            throw new InvalidDataException($"GBRL model is truncated: {bytes.Length} bytes, fewer than a header and checksum.");
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
            throw new InvalidDataException("Not a GBRL model: the file does not start with \"GBRL\".");
        ModelFile.CheckVersion(OptionsEncoding.Format, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]), Version);
        var body = bytes[..^4];
        ModelFile.CheckCrc32(OptionsEncoding.Format, body, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]));
        try
        {
            using var reader = new BinaryReader(new MemoryStream(copy.GetBuffer(), 8, body.Length - 8, writable: false), Encoding.UTF8);
            var booster = ReadBody(reader, threads);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw new InvalidDataException("GBRL model has unexpected bytes after the last tree.");
            return booster;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("GBRL model is truncated: it ends inside a record.", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"GBRL model holds invalid options: {e.Message}", e);
        }
    }

    private static GbrlBooster ReadBody(BinaryReader r, int threads)
    {
        var options = ModelFile.ReadOptions<OptionsEncoding>(r) with { Threads = threads };
        var cardinalities = new int[CheckCount(r.ReadInt32(), 1 << 20, "features")];
        for (var f = 0; f < cardinalities.Length; f++)
            cardinalities[f] = r.ReadInt32();
        var booster = new GbrlBooster(options, new FeatureSchema(cardinalities));
        var bias = new float[booster.OutputCount];
        for (var k = 0; k < bias.Length; k++)
            bias[k] = r.ReadSingle();
        booster.SetBias(bias);
        var counts = new long[booster.FeatureCount];
        var gains = new double[booster.FeatureCount];
        for (var f = 0; f < counts.Length; f++)
        {
            counts[f] = r.ReadInt64();
            gains[f] = r.ReadDouble();
        }
        booster.RestoreImportance(counts, gains);
        var trees = CheckCount(r.ReadInt32(), int.MaxValue, "trees");
        var store = booster.Store;
        for (var t = 0; t < trees; t++)
            store.ReadTree(r, booster.FeatureCount);
        return booster;
    }

    private static int CheckCount(int count, int max, string what) =>
        count >= 0 && count <= max ? count : throw new InvalidDataException($"GBRL model has an invalid number of {what}: {count}.");

    /// <summary>This format's options encoding: enums as u8, names as a u16 byte length then UTF-8.</summary>
    private readonly struct OptionsEncoding : IOptionsEncoding
    {
        public static string Format => "GBRL model";

        public static void WriteEnum(BinaryWriter writer, int value) => writer.Write((byte)value);

        public static int ReadEnum(BinaryReader reader) => reader.ReadByte();

        public static void WriteName(BinaryWriter writer, string name)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            writer.Write((ushort)bytes.Length);
            writer.Write(bytes);
        }

        public static string ReadName(BinaryReader reader) => Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
    }
}
