using RLFramework.Boosting.Data;
using RLFramework.Boosting.Ensemble;

namespace RLFramework.Boosting.Tests;

public class ModelFormatTests
{
    private static GbrlBooster Trained(TreeShape shape)
    {
        var options = new GbrlOptions
        {
            Shape = shape,
            Score = SplitScore.L2,
            MaxDepth = 4,
            FeatureWeights = [1f, 0.5f, 2f],
            Slices =
            [
                new OutputSlice("policy", 0, 2, LearningRateSchedule.Linear(0.1, 0.01, 50), 100),
                new OutputSlice("value", 2, 1, LearningRateSchedule.Constant(0.05), 10),
            ],
        };
        var booster = new GbrlBooster(options, new FeatureSchema([0, 5, 0]));
        booster.SetBias([0.1f, -0.2f, 3f]);
        for (var t = 0; t < 25; t++)
        {
            var x = TestData.Uniform(t, 100 * 3);
            for (var i = 0; i < 100; i++)
                x[i * 3 + 1] = (i + t) % 5;
            booster.FitTree(x, TestData.Uniform(t + 7, 100 * 3, -5, 5), 100);
        }
        return booster;
    }

    private static byte[] Bytes(GbrlBooster booster)
    {
        using var stream = new MemoryStream();
        booster.Save(stream);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(TreeShape.Oblivious)]
    [InlineData(TreeShape.Greedy)]
    public void Save_load_predict_gives_identical_outputs(TreeShape shape)
    {
        using var booster = Trained(shape);
        var bytes = Bytes(booster);
        using var loaded = GbrlBooster.Load(new MemoryStream(bytes));
        Assert.Equal(booster.Options.Slices, loaded.Options.Slices);
        Assert.Equal(booster.TreeCount, loaded.TreeCount);
        Assert.Equal(bytes, Bytes(loaded));
        var x = TestData.Uniform(99, 50 * 3);
        var a = new float[50 * 3];
        var b = new float[50 * 3];
        booster.Predict(x, 50, a);
        loaded.Predict(x, 50, b);
        Assert.Equal(a, b);
        Assert.Equal(booster.GetFeatureImportance().TotalGain, loaded.GetFeatureImportance().TotalGain);
        // The loaded model keeps growing like the original.
        var g = TestData.Uniform(5, 50 * 3);
        var xt = TestData.Uniform(6, 50 * 3);
        for (var i = 0; i < 50; i++)
            xt[i * 3 + 1] = i % 5;
        booster.FitTree(xt, g, 50);
        loaded.FitTree(xt, g, 50);
        Assert.Equal(Bytes(booster), Bytes(loaded));
    }

    [Fact]
    public void Truncated_file_is_refused()
    {
        using var booster = Trained(TreeShape.Oblivious);
        var bytes = Bytes(booster);
        foreach (var length in new[] { 0, 5, 11, 40, bytes.Length / 2, bytes.Length - 1 })
        {
            var e = Assert.Throws<InvalidDataException>(() => GbrlBooster.Load(new MemoryStream(bytes[..length])));
            Assert.True(e.Message.Contains("truncated", StringComparison.Ordinal) || e.Message.Contains("corrupt", StringComparison.Ordinal), e.Message);
        }
    }

    [Fact]
    public void Corrupt_file_is_refused_with_a_clear_message()
    {
        using var booster = Trained(TreeShape.Greedy);
        var bytes = Bytes(booster);
        bytes[bytes.Length / 2] ^= 0x10;
        var e = Assert.Throws<InvalidDataException>(() => GbrlBooster.Load(new MemoryStream(bytes)));
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
        var notModel = "hello world, not a model"u8.ToArray();
        Assert.Contains("Not a GBRL model", Assert.Throws<InvalidDataException>(() => GbrlBooster.Load(new MemoryStream(notModel))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void File_save_is_atomic_and_round_trips()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"gbrl-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "model.gbrl");
            using var booster = Trained(TreeShape.Oblivious);
            booster.SaveToFile(path);
            booster.SaveToFile(path); // overwrite
            Assert.Single(Directory.GetFiles(dir)); // no temporary file left behind
            using var loaded = GbrlBooster.LoadFromFile(path);
            Assert.Equal(Bytes(booster), Bytes(loaded));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
