using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

/// <summary>The one line an <c>rl</c> command prints for an error: no parameter names, an out-of-range value on the same line.</summary>
public sealed class ErrorTextTests
{
    [Fact]
    public void Parameter_names_go_and_an_out_of_range_value_joins_the_line()
    {
        Assert.Equal("--steps must be at least 1.", ErrorText.Of(new ArgumentException("--steps must be at least 1.", "steps")));
        Assert.Equal("The probability must lie in [0, 1]. Got 2.",
            ErrorText.Of(new ArgumentOutOfRangeException("p", 2.0, "The probability must lie in [0, 1].")));
        Assert.Equal("The probability must lie in [0, 1].", ErrorText.Of(new ArgumentOutOfRangeException("p", "The probability must lie in [0, 1].")));
        Assert.Equal("no such file", ErrorText.Of(new FileNotFoundException("no such file")));
        Assert.DoesNotContain('\n', ErrorText.Of(new ArgumentOutOfRangeException("p", 2.0, "x")));
    }
}
