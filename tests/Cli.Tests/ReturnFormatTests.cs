using RLFramework.Cli.Training;

namespace RLFramework.Cli.Tests;

public sealed class ReturnFormatTests
{
    [Theory]
    [InlineData(0.9573, 2, "0.957")]   // MiniGrid: the third decimal is half a step per episode
    [InlineData(-0.5, 2, "-0.500")]
    [InlineData(9.9994, 2, "9.999")]
    [InlineData(499.72, 2, "499.72")]  // CartPole keeps two decimals
    [InlineData(-90.4321, 2, "-90.43")]
    [InlineData(-90.4321, 1, "-90.4")] // the progress line keeps one
    [InlineData(double.NaN, 2, "-")]   // no episode finished yet
    public void Returns_keep_three_decimals_under_ten_in_magnitude(double value, int largeDecimals, string expected) =>
        Assert.Equal(expected, ReturnFormat.Format(value, largeDecimals));

    [Theory]
    [InlineData(500.0, 0.0, "500.00 +- 0.00")]     // the std takes the mean's decimals
    [InlineData(0.9573, 0.0221, "0.957 +- 0.022")]
    [InlineData(-90.43, 3.678, "-90.43 +- 3.68")]
    [InlineData(5.0, 12.5, "5.000 +- 12.500")]
    public void Mean_and_std_share_the_means_decimals(double mean, double std, string expected) =>
        Assert.Equal(expected, ReturnFormat.MeanAndStd(mean, std));
}
