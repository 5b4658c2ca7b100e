using System.Globalization;

namespace RLFramework.Cli.Training;

/// <summary>
/// How the command line prints episode returns: three decimals when the return is under 10 in magnitude
/// (MiniGrid's returns lie in [0, 1]; on GoToDoor-5x5, 0.957 and 0.962 are half a step per episode apart), otherwise
/// <c>largeDecimals</c> decimals (CartPole's 500.00). NaN, a mean over no episodes yet, prints as "-".
/// </summary>
internal static class ReturnFormat
{
    public static string Format(double value, int largeDecimals = 2) => Fixed(value, Decimals(value, largeDecimals));

    /// <summary>"mean +- std", the std with the mean's decimals (500.00 +- 0.00, 0.957 +- 0.022).</summary>
    public static string MeanAndStd(double mean, double std)
    {
        var decimals = Decimals(mean, 2);
        return $"{Fixed(mean, decimals)} +- {Fixed(std, decimals)}";
    }

    private static int Decimals(double value, int largeDecimals) => Math.Abs(value) < 10 ? 3 : largeDecimals;

    private static string Fixed(double value, int decimals) =>
        double.IsNaN(value) ? "-" : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
