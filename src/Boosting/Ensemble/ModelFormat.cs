using System.Text;

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
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            WriteBody(writer, booster);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var crc = Ensemble.Crc32.Compute(bytes);
        stream.Write(bytes);
        Span<byte> trailer = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        stream.Write(trailer);
    }

    public static void WriteFile(string path, GbrlBooster booster)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                Write(file, booster);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private static void WriteBody(BinaryWriter w, GbrlBooster booster)
    {
        var o = booster.Options;
        w.Write(Magic);
        w.Write(Version);
        w.Write(o.MaxDepth);
        w.Write((byte)o.Shape);
        w.Write((byte)o.Score);
        w.Write((byte)o.Binning);
        w.Write(o.MaxBins);
        w.Write(o.MinSamplesPerLeaf);
        if (o.FeatureWeights is null)
        {
            w.Write(-1);
        }
        else
        {
            w.Write(o.FeatureWeights.Count);
            foreach (var weight in o.FeatureWeights)
                w.Write(weight);
        }
        w.Write(o.Slices.Count);
        foreach (var s in o.Slices)
        {
            var name = Encoding.UTF8.GetBytes(s.Name);
            w.Write((ushort)name.Length);
            w.Write(name);
            w.Write(s.Start);
            w.Write(s.Length);
            w.Write(s.LearningRate.Initial);
            w.Write(s.LearningRate.Final);
            w.Write(s.LearningRate.Horizon);
            w.Write(s.MaxGradNorm);
        }
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

    public static GbrlBooster Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        if (bytes.Length < 12)
            throw new InvalidDataException($"GBRL model is truncated: {bytes.Length} bytes, fewer than a header and checksum.");
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
            throw new InvalidDataException("Not a GBRL model: the file does not start with \"GBRL\".");
        var version = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (version != Version)
            throw new InvalidDataException($"GBRL model version {version} is not supported (this build reads version {Version}).");
        var body = bytes[..^4];
        var stored = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        var actual = Ensemble.Crc32.Compute(body);
        if (stored != actual)
            throw new InvalidDataException($"GBRL model is corrupt or truncated: checksum 0x{actual:X8} does not match the stored 0x{stored:X8}.");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(copy.GetBuffer(), 8, body.Length - 8, writable: false), Encoding.UTF8);
            var booster = ReadBody(reader);
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

    private static GbrlBooster ReadBody(BinaryReader r)
    {
        var maxDepth = r.ReadInt32();
        var shape = (TreeShape)r.ReadByte();
        var score = (SplitScore)r.ReadByte();
        var binning = (BinningRule)r.ReadByte();
        if (!Enum.IsDefined(shape) || !Enum.IsDefined(score) || !Enum.IsDefined(binning))
            throw new InvalidDataException("GBRL model has an unknown tree shape, score or binning rule.");
        var maxBins = r.ReadInt32();
        var minSamples = r.ReadInt32();
        var weightCount = r.ReadInt32();
        float[]? weights = null;
        if (weightCount >= 0)
        {
            weights = new float[CheckCount(weightCount, 1 << 20, "feature weights")];
            for (var i = 0; i < weights.Length; i++)
                weights[i] = r.ReadSingle();
        }
        var slices = new OutputSlice[CheckCount(r.ReadInt32(), 1 << 16, "slices")];
        for (var i = 0; i < slices.Length; i++)
        {
            var name = Encoding.UTF8.GetString(r.ReadBytes(r.ReadUInt16()));
            var start = r.ReadInt32();
            var length = r.ReadInt32();
            var schedule = new LearningRateSchedule(r.ReadDouble(), r.ReadDouble(), r.ReadInt32());
            slices[i] = new OutputSlice(name, start, length, schedule, r.ReadDouble());
        }
        var cardinalities = new int[CheckCount(r.ReadInt32(), 1 << 20, "features")];
        for (var f = 0; f < cardinalities.Length; f++)
            cardinalities[f] = r.ReadInt32();
        var options = new GbrlOptions
        {
            MaxDepth = maxDepth,
            Shape = shape,
            Score = score,
            Binning = binning,
            MaxBins = maxBins,
            MinSamplesPerLeaf = minSamples,
            FeatureWeights = weights,
            Slices = slices,
        };
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
}
