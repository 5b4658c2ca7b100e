using System.Text;

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
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            var schema = booster.Schema;
            writer.Write(schema.FeatureCount);
            foreach (var cardinality in schema.Cardinalities)
                writer.Write(cardinality);
            var options = booster.Options;
            writer.Write(options.MaxDepth);
            writer.Write((int)options.Shape);
            writer.Write((int)options.Score);
            writer.Write((int)options.Binning);
            writer.Write(options.MaxBins);
            writer.Write(options.MinSamplesPerLeaf);
            writer.Write(options.FeatureWeights?.Count ?? -1);
            if (options.FeatureWeights is { } weights)
            {
                foreach (var w in weights)
                    writer.Write(w);
            }
            writer.Write(options.Slices.Count);
            foreach (var slice in options.Slices)
            {
                writer.Write(slice.Name);
                writer.Write(slice.Start);
                writer.Write(slice.Length);
                writer.Write(slice.LearningRate.Initial);
                writer.Write(slice.LearningRate.Final);
                writer.Write(slice.LearningRate.Horizon);
                writer.Write(slice.MaxGradNorm);
            }
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
        var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        using var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(Version);
        output.Write((long)bytes.Length);
        output.Write(bytes);
        output.Write(Ensemble.Crc32.Compute(bytes));
    }

    internal static Contents Read(Stream stream)
    {
        using var input = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var magic = ReadExactly(input, Magic.Length, "the magic number");
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException("Not a LightGBM booster file: the magic number is wrong.");
        var version = ReadOrThrow(input.ReadInt32, "the version");
        if (version != Version)
            throw new InvalidDataException($"LightGBM booster file version {version} is not supported (this build reads version {Version}).");
        var length = ReadOrThrow(input.ReadInt64, "the payload length");
        if (length < 0 || length > int.MaxValue)
            throw new InvalidDataException($"LightGBM booster file has an invalid payload length {length}.");
        var payload = ReadExactly(input, (int)length, "the payload");
        var crc = ReadOrThrow(input.ReadUInt32, "the checksum");
        if (crc != Ensemble.Crc32.Compute(payload))
            throw new InvalidDataException("LightGBM booster file is corrupt: the checksum does not match.");
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
        var maxDepth = reader.ReadInt32();
        var shape = (TreeShape)reader.ReadInt32();
        var score = (SplitScore)reader.ReadInt32();
        var binning = (BinningRule)reader.ReadInt32();
        var maxBins = reader.ReadInt32();
        var minSamples = reader.ReadInt32();
        var weightCount = reader.ReadInt32();
        float[]? weights = null;
        if (weightCount >= 0)
        {
            weights = new float[weightCount];
            for (var f = 0; f < weightCount; f++)
                weights[f] = reader.ReadSingle();
        }
        var slices = new OutputSlice[ReadCount(reader, "slice count")];
        for (var s = 0; s < slices.Length; s++)
        {
            var name = reader.ReadString();
            var start = reader.ReadInt32();
            var sliceLength = reader.ReadInt32();
            var rate = new LearningRateSchedule(reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32());
            slices[s] = new OutputSlice(name, start, sliceLength, rate, reader.ReadDouble());
        }
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
}
