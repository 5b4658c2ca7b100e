using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

public sealed class EvalCommandTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"rl-eval-{Guid.NewGuid():N}.rlm");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void A_missing_or_corrupt_model_is_a_clear_error()
    {
        var error = new StringWriter();
        Assert.Equal(2, EvalCommand.Run(_path, 5, false, 0, new StringWriter(), error));
        Assert.Contains("No model file", error.ToString(), StringComparison.Ordinal);

        File.WriteAllBytes(_path, [1, 2, 3, 4, 5]);
        error = new StringWriter();
        Assert.Equal(2, EvalCommand.Run(_path, 5, false, 0, new StringWriter(), error));
        Assert.Contains("not an RLFramework agent file", error.ToString(), StringComparison.Ordinal);

        error = new StringWriter();
        Assert.Equal(2, EvalCommand.Run(_path, 0, false, 0, new StringWriter(), error));
        Assert.Contains("--episodes", error.ToString(), StringComparison.Ordinal);
    }
}
