namespace RLFramework.Cli.Tests;

public class SkeletonTests
{
    [Fact]
    public void Assembly_under_test_loads()
    {
        Assert.Equal("RLFramework.Cli.Tests", typeof(SkeletonTests).Assembly.GetName().Name);
    }
}
