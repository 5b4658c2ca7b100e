using System.Buffers.Binary;
using System.Text;

namespace RLFramework.Boosting.Ensemble;

/// <summary>
/// How a model file encodes the two things its <see cref="ModelFile"/> options section may write differently:
/// the three enums and the slice names. A generic struct parameter, so each format's encoding is fixed at compile time.
/// </summary>
internal interface IOptionsEncoding
{
    /// <summary>The file kind in error messages ("GBRL model").</summary>
    static abstract string Format { get; }

    /// <summary>Writes an enum value (tree shape, split score or binning rule).</summary>
    static abstract void WriteEnum(BinaryWriter writer, int value);

    /// <summary>Reads a value written by <see cref="WriteEnum"/>.</summary>
    static abstract int ReadEnum(BinaryReader reader);

    /// <summary>Writes a slice name.</summary>
    static abstract void WriteName(BinaryWriter writer, string name);

    /// <summary>Reads a name written by <see cref="WriteName"/>.</summary>
    static abstract string ReadName(BinaryReader reader);
}

/// <summary>
/// What the two booster files (<see cref="ModelFormat"/> and <see cref="LightGbm.LightGbmModelFile"/>) share: a
/// section built in memory so it can be checksummed, the CRC-32 trailer and its check, the version check, the
/// <see cref="GbrlOptions"/> section and the atomic file write. Each format keeps its own frame (magic, what the
/// checksum covers, where the options stand); both are documented on their classes. Errors are
/// <see cref="InvalidDataException"/>s that start with the file kind.
/// <code>
/// options section: maxDepth i32, shape, score, binning (enums), maxBins i32, minSamplesPerLeaf i32,
///   featureWeightCount i32 (-1: none), then that many f32,
///   sliceCount i32, then per slice: name, start i32, length i32, lrInitial f64, lrFinal f64, lrHorizon i32, maxGradNorm f64
/// </code>
/// </summary>
internal static class ModelFile
{
    private const int MaxFeatureWeights = 1 << 20;
    private const int MaxSlices = 1 << 16;

    /// <summary>The bytes that <paramref name="write"/> writes (UTF-8 strings), e.g. a body to checksum before it is written.</summary>
    public static ArraySegment<byte> Serialize(Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            write(writer);
        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the CRC-32 (IEEE) of <paramref name="checksummed"/> as a little-endian u32.</summary>
    public static void WriteCrc32(Stream stream, ReadOnlySpan<byte> checksummed)
    {
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.Compute(checksummed));
        stream.Write(trailer);
    }

    /// <summary>Throws unless <paramref name="stored"/> is the CRC-32 of <paramref name="checksummed"/>.</summary>
    public static void CheckCrc32(string format, ReadOnlySpan<byte> checksummed, uint stored)
    {
        var actual = Crc32.Compute(checksummed);
        if (stored != actual)
            throw new InvalidDataException($"{format} is corrupt or truncated: checksum 0x{actual:X8} does not match the stored 0x{stored:X8}.");
    }

    /// <summary>Throws unless the file's <paramref name="version"/> is the one this build reads.</summary>
    public static void CheckVersion(string format, long version, long supported)
    {
        if (version != supported)
            throw new InvalidDataException($"{format} version {version} is not supported (this build reads version {supported}).");
    }

    /// <summary>Writes the options section in the encoding <typeparamref name="TEncoding"/>.</summary>
    public static void WriteOptions<TEncoding>(BinaryWriter w, GbrlOptions o) where TEncoding : struct, IOptionsEncoding
    {
        w.Write(o.MaxDepth);
        TEncoding.WriteEnum(w, (int)o.Shape);
        TEncoding.WriteEnum(w, (int)o.Score);
        TEncoding.WriteEnum(w, (int)o.Binning);
        w.Write(o.MaxBins);
        w.Write(o.MinSamplesPerLeaf);
        w.Write(o.FeatureWeights?.Count ?? -1);
        if (o.FeatureWeights is { } weights)
        {
            foreach (var weight in weights)
                w.Write(weight);
        }
        w.Write(o.Slices.Count);
        foreach (var s in o.Slices)
        {
            TEncoding.WriteName(w, s.Name);
            w.Write(s.Start);
            w.Write(s.Length);
            w.Write(s.LearningRate.Initial);
            w.Write(s.LearningRate.Final);
            w.Write(s.LearningRate.Horizon);
            w.Write(s.MaxGradNorm);
        }
    }

    /// <summary>
    /// Reads an options section written by <see cref="WriteOptions{TEncoding}"/>; checks the enums and counts but
    /// leaves <see cref="GbrlOptions.Validate"/> to the caller.
    /// </summary>
    public static GbrlOptions ReadOptions<TEncoding>(BinaryReader r) where TEncoding : struct, IOptionsEncoding
    {
        var maxDepth = r.ReadInt32();
        var shape = (TreeShape)TEncoding.ReadEnum(r);
        var score = (SplitScore)TEncoding.ReadEnum(r);
        var binning = (BinningRule)TEncoding.ReadEnum(r);
        if (!Enum.IsDefined(shape) || !Enum.IsDefined(score) || !Enum.IsDefined(binning))
            throw new InvalidDataException($"{TEncoding.Format} has an unknown tree shape, score or binning rule.");
        var maxBins = r.ReadInt32();
        var minSamples = r.ReadInt32();
        var weightCount = r.ReadInt32();
        float[]? weights = null;
        if (weightCount >= 0)
        {
            weights = new float[CheckCount<TEncoding>(weightCount, MaxFeatureWeights, "feature weights")];
            for (var i = 0; i < weights.Length; i++)
                weights[i] = r.ReadSingle();
        }
        var slices = new OutputSlice[CheckCount<TEncoding>(r.ReadInt32(), MaxSlices, "slices")];
        for (var i = 0; i < slices.Length; i++)
        {
            var name = TEncoding.ReadName(r);
            var start = r.ReadInt32();
            var length = r.ReadInt32();
            var schedule = new LearningRateSchedule(r.ReadDouble(), r.ReadDouble(), r.ReadInt32());
            slices[i] = new OutputSlice(name, start, length, schedule, r.ReadDouble());
        }
        return new GbrlOptions
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
    }

    /// <summary>Writes the file <paramref name="path"/> atomically: <paramref name="write"/> fills a temporary file in the same folder, which then replaces it.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(file);
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

    private static int CheckCount<TEncoding>(int count, int max, string what) where TEncoding : struct, IOptionsEncoding =>
        count >= 0 && count <= max ? count : throw new InvalidDataException($"{TEncoding.Format} has an invalid number of {what}: {count}.");
}
