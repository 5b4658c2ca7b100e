using ScottPlot;

namespace RLFramework.Cli.Training;

/// <summary>Writes the command's plots as PNG files (900 x 540 a panel), atomically (a temporary file, then a rename).</summary>
internal static class PlotPng
{
    public static void Save(Plot plot, string path) => Atomically(path, temp => plot.SavePng(temp, 900, 540));

    public static void Save(Multiplot multiplot, string path, int width, int height) => Atomically(path, temp => multiplot.SavePng(temp, width, height));

    private static void Atomically(string path, Action<string> save)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp.png";
        save(temp);
        File.Move(temp, path, overwrite: true);
    }
}
