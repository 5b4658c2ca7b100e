using SkiaSharp;

namespace RLFramework.Environments.Tests;

/// <summary>
/// An independent reader of the GIFs that <see cref="AnimatedGif"/> writes: Skia's decoder (the library behind ScottPlot).
/// Shared with the CLI tests, which compile this file too.
/// </summary>
internal static class GifDecoder
{
    /// <summary>Every frame of the GIF file at <paramref name="path"/>; see <see cref="Decode(byte[], out int[])"/>.</summary>
    public static List<RgbImage> Decode(string path, out int[] durations) => Decode(File.ReadAllBytes(path), out durations);

    /// <summary>Every frame as Skia decodes it, each drawn over the one before (as a viewer shows them), with the frame durations in milliseconds.</summary>
    public static List<RgbImage> Decode(byte[] gif, out int[] durations)
    {
        using var data = SKData.CreateCopy(gif);
        using var codec = SKCodec.Create(data) ?? throw new InvalidOperationException("Skia does not read the file as an image.");
        Assert.Equal(SKEncodedImageFormat.Gif, codec.EncodedFormat);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var frames = new List<RgbImage>();
        var count = Math.Max(1, codec.FrameCount);
        durations = new int[count];
        for (var k = 0; k < count; k++)
        {
            durations[k] = codec.FrameCount == 0 ? 0 : codec.FrameInfo[k].Duration;
            Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(k, k - 1)));
            var image = new RgbImage(info.Width, info.Height);
            var rgba = bitmap.Bytes;
            var pixels = image.Pixels;
            for (int i = 0, p = 0; p < pixels.Length; i += 4, p += 3)
            {
                Assert.Equal(255, rgba[i + 3]);
                pixels[p] = rgba[i];
                pixels[p + 1] = rgba[i + 1];
                pixels[p + 2] = rgba[i + 2];
            }
            frames.Add(image);
        }
        return frames;
    }
}
