namespace RLFramework.Cli.Commands;

/// <summary>Plain-text tables: columns padded to their widest cell, two spaces apart, no trailing blanks.</summary>
internal static class TextTable
{
    /// <summary>Writes <paramref name="rows"/> (the first is the header), each line prefixed by <paramref name="indent"/>; columns listed in <paramref name="rightAligned"/> are aligned right.</summary>
    public static void Write(TextWriter output, IReadOnlyList<string[]> rows, string indent = "", params int[] rightAligned)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        foreach (var row in rows)
        {
            var cells = new string[row.Length];
            for (int c = 0; c < row.Length; c++)
            {
                cells[c] = Array.IndexOf(rightAligned, c) >= 0 ? row[c].PadLeft(widths[c])
                    : c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c]);
            }

            output.WriteLine((indent + string.Join("  ", cells)).TrimEnd());
        }
    }
}
