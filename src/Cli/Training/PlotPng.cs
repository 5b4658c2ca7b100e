using ScottPlot;

namespace RLFramework.Cli.Training;

/// <summary>Writes the command's plots: 900 x 540 PNG files, atomically (a temporary file, then a rename).</summary>
internal static class PlotPng
{
    public static void Save(Plot plot, string path)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp.png";
        plot.SavePng(temp, 900, 540);
        File.Move(temp, path, overwrite: true);
    }
}
