namespace RLFramework.Environments.Tests;

public class SkeletonTests
{
    [Fact]
    public void Assembly_under_test_loads()
    {
        Assert.Equal("RLFramework.Environments.Tests", typeof(SkeletonTests).Assembly.GetName().Name);
    }
}
