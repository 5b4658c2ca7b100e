namespace RLFramework.Agents.Tests;

public class SkeletonTests
{
    [Fact]
    public void Assembly_under_test_loads()
    {
        Assert.Equal("RLFramework.Agents.Tests", typeof(SkeletonTests).Assembly.GetName().Name);
    }
}
