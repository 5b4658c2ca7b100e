using System.Globalization;

namespace RLFramework.Cli.Training;

/// <summary>
/// How the command line prints episode returns: three decimals when the return is under 10 in magnitude
/// (MiniGrid's returns lie in [0, 1], where 0.957 and 0.962 differ by half a step per episode), otherwise
/// <paramref name="largeDecimals"/> decimals (CartPole's 500.00). NaN, a mean over no episodes yet, prints as "-".
/// </summary>
internal static class ReturnFormat
{
    public static string Format(double value, int largeDecimals = 2)
    {
        if (double.IsNaN(value))
            return "-";
        var decimals = Math.Abs(value) < 10 ? 3 : largeDecimals;
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
