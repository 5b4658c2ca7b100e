namespace RLFramework.Environments.Tests;

/// <summary>
/// <see cref="AnimatedGif"/> against an independent decoder (Skia's, the library behind ScottPlot): frame count,
/// frame durations and every pixel.
/// </summary>
public sealed class AnimatedGifTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"gif-tests-{Guid.NewGuid():N}");

    public AnimatedGifTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void FewColourFramesDecodeToTheSamePixelsAndDurations()
    {
        var random = new Random(1);
        byte[][] colours = [[0, 0, 0], [255, 255, 255], [202, 152, 101], [129, 132, 203], [12, 250, 7]];
        var frames = new List<RgbImage>();
        for (var k = 0; k < 3; k++)
        {
            var frame = new RgbImage(37, 23);
            for (var y = 0; y < frame.Height; y++)
            {
                for (var x = 0; x < frame.Width; x++)
                {
                    var c = colours[random.Next(k + 2)];
                    frame.Set(x, y, c[0], c[1], c[2]);
                }
            }
            frames.Add(frame);
        }

        var decoded = Decode(Encode(frames, fps: 15), out var durations);

        Assert.Equal(3, decoded.Count);
        // 100/15 hundredths of a second per frame, rounded so that the animation keeps the rate: 7, 6, 7.
        Assert.Equal([70, 60, 70], durations);
        for (var k = 0; k < 3; k++)
            Assert.Equal(frames[k].Pixels.ToArray(), decoded[k].Pixels.ToArray());
    }

    [Fact]
    public void AFrameOf256ColoursLargeEnoughToFillTheCodeTableIsExact()
    {
        // Random codes over 256 colours: LZW finds few repeats, so the 4,096-entry table fills and is cleared many times.
        var random = new Random(2);
        var frame = new RgbImage(300, 200);
        var pixels = frame.Pixels;
        for (var i = 0; i < pixels.Length; i += 3)
        {
            var c = random.Next(256);
            pixels[i] = (byte)c;
            pixels[i + 1] = (byte)(255 - c);
            pixels[i + 2] = (byte)(c * 7);
        }
        var uniform = new RgbImage(300, 200);
        uniform.Fill(9, 8, 7);
        Assert.True(AnimatedGif.IsExact(frame));

        var decoded = Decode(Encode([frame, uniform], fps: 10), out var durations);

        Assert.Equal([100, 100], durations);
        Assert.Equal(frame.Pixels.ToArray(), decoded[0].Pixels.ToArray());
        Assert.Equal(uniform.Pixels.ToArray(), decoded[1].Pixels.ToArray());
    }

    [Fact]
    public void AFrameOfMoreThan256ColoursGoesToTheNearestColourOfTheCube()
    {
        var frame = new RgbImage(64, 64);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
                frame.Set(x, y, (byte)(x * 4), (byte)(y * 4), (byte)(x ^ y));
        }
        Assert.False(AnimatedGif.IsExact(frame));

        var decoded = Decode(Encode([frame], fps: 30), out _)[0];

        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var expected = frame[x, y];
                var actual = decoded[x, y];
                Assert.Equal(Cube(expected[0], 6), actual[0]);
                Assert.Equal(Cube(expected[1], 7), actual[1]);
                Assert.Equal(Cube(expected[2], 6), actual[2]);
            }
        }

        static byte Cube(byte value, int levels)
        {
            var level = (int)Math.Round(value * (levels - 1) / 255.0, MidpointRounding.AwayFromZero);
            return (byte)(level * 255 / (levels - 1));
        }
    }

    [Fact]
    public void SingleColourAndOnePixelFramesWork()
    {
        var pixel = new RgbImage(1, 1);
        pixel.Set(0, 0, 1, 2, 3);

        var decoded = Decode(Encode([pixel, pixel], fps: 50), out var durations);

        Assert.Equal([20, 20], durations);
        Assert.Equal([1, 2, 3], decoded[1].Pixels.ToArray());
    }

    [Fact]
    public void WriteFileReplacesTheFileAtomically()
    {
        var path = Path.Combine(_folder, "sub", "episode.gif");
        var red = new RgbImage(4, 4);
        red.Fill(255, 0, 0);
        AnimatedGif.WriteFile(path, [red], 4);
        var blue = new RgbImage(4, 4);
        blue.Fill(0, 0, 255);

        AnimatedGif.WriteFile(path, [blue, red], 4);

        Assert.Equal(["episode.gif"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        var decoded = Decode(File.ReadAllBytes(path), out var durations);
        Assert.Equal([250, 250], durations);
        Assert.Equal(blue.Pixels.ToArray(), decoded[0].Pixels.ToArray());
    }

    [Fact]
    public void BadInputIsRejectedWithTheProblemNamed()
    {
        var small = new RgbImage(2, 2);
        var large = new RgbImage(3, 2);
        using var stream = new MemoryStream();

        Assert.Contains("Frame 1 is 3x2; frame 0 is 2x2", Assert.Throws<ArgumentException>(() => AnimatedGif.Write(stream, [small, large], 10)).Message);
        Assert.Contains("at least one frame", Assert.Throws<InvalidOperationException>(() => AnimatedGif.Write(stream, [], 10)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AnimatedGif.Write(stream, [small], 0));
    }

    [Fact]
    public void AnAnimationNotCompletedLeavesNoFileAndKeepsTheOldOne()
    {
        var path = Path.Combine(_folder, "episode.gif");
        var red = new RgbImage(4, 4);
        red.Fill(255, 0, 0);
        AnimatedGif.WriteFile(path, [red], 4);
        var before = File.ReadAllBytes(path);

        using (var gif = AnimatedGif.Create(path, 10))
        {
            gif.Add(new RgbImage(4, 4));
            Assert.Equal(1, gif.FrameCount);
        }

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    private static byte[] Encode(IReadOnlyList<RgbImage> frames, int fps)
    {
        using var stream = new MemoryStream();
        AnimatedGif.Write(stream, frames, fps);
        return stream.ToArray();
    }

    private static List<RgbImage> Decode(byte[] gif, out int[] durations) => GifDecoder.Decode(gif, out durations);
}

/// <summary>The claim that a GIF of any built-in environment keeps every colour: no frame of theirs has more than 256.</summary>
public sealed class BuiltinFramesAreExactTests
{
    [Fact]
    public void Every_built_in_environment_draws_frames_of_at_most_256_colours()
    {
        foreach (var id in EnvironmentRegistry.Ids)
        {
            using var env = EnvironmentRegistry.Make(id);
            if (Rendering.ImageOf(env) is not { } renderer)
                continue;
            var random = new Random(1);
            var frames = 0;
            for (var episode = 0; episode < 2; episode++)
            {
                Step(env, episode, random, () =>
                {
                    Assert.True(AnimatedGif.IsExact(renderer.RenderImage()), $"{id}: a frame has more than 256 colours");
                    frames++;
                });
            }
            Assert.True(frames > 3, id);
        }
    }

    /// <summary>One episode of up to 30 random actions, calling <paramref name="frame"/> after the reset and each step.</summary>
    private static void Step(IEnvironment env, int seed, Random random, Action frame)
    {
        switch (env)
        {
            case IEnvironment<ReadOnlyMemory<float>, int> discrete:
                discrete.Reset(seed);
                frame();
                for (var t = 0; t < 30 && !discrete.Step(random.Next(((Spaces.Discrete)env.ActionSpace).N)).Done; t++)
                    frame();
                break;
            case IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> continuous:
                continuous.Reset(seed);
                frame();
                for (var t = 0; t < 30 && !continuous.Step(new[] { (float)(random.NextDouble() * 2 - 1) }).Done; t++)
                    frame();
                break;
            case IEnvironment<MiniGrid.MiniGridObservation, int> grid:
                grid.Reset(seed);
                frame();
                for (var t = 0; t < 30 && !grid.Step(random.Next(7)).Done; t++)
                    frame();
                break;
            default:
                throw new InvalidOperationException($"{env.GetType().Name}: an observation type this test does not step.");
        }
    }
}
