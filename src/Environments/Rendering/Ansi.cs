namespace RLFramework.Environments;

/// <summary>The colours of Gymnasium's <c>utils.colorize</c>, with its ANSI codes.</summary>
internal enum AnsiColor
{
    /// <summary>Code 30.</summary>
    Gray = 30,

    /// <summary>Code 31.</summary>
    Red = 31,

    /// <summary>Code 32.</summary>
    Green = 32,

    /// <summary>Code 33.</summary>
    Yellow = 33,

    /// <summary>Code 34.</summary>
    Blue = 34,

    /// <summary>Code 35.</summary>
    Magenta = 35,

    /// <summary>Code 36.</summary>
    Cyan = 36,

    /// <summary>Code 37.</summary>
    White = 37,

    /// <summary>Code 38.</summary>
    Crimson = 38,
}

/// <summary>ANSI terminal colours as the text renderers of the toy-text environments write them.</summary>
internal static class Ansi
{
    /// <summary>
    /// Gymnasium's <c>utils.colorize(text, color, bold, highlight)</c>: <c>ESC[</c>, the colour's code (plus 10 for a
    /// highlight, i.e. a background colour), <c>;1</c> when bold, <c>m</c>, the text, then the reset <c>ESC[0m</c>.
    /// </summary>
    public static string Colorize(string text, AnsiColor color, bool bold = false, bool highlight = false)
    {
        int code = (int)color + (highlight ? 10 : 0);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\x1b[{code}{(bold ? ";1" : "")}m{text}\x1b[0m");
    }
}
