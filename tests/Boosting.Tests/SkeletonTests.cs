namespace RLFramework.Boosting.Tests;

public class SkeletonTests
{
    [Fact]
    public void Assembly_under_test_loads()
    {
        Assert.Equal("RLFramework.Boosting.Tests", typeof(SkeletonTests).Assembly.GetName().Name);
    }
}
