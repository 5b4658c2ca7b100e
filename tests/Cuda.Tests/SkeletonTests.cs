namespace RLFramework.Cuda.Tests;

public class SkeletonTests
{
    [Fact]
    public void Assembly_under_test_loads()
    {
        Assert.Equal("RLFramework.Cuda.Tests", typeof(SkeletonTests).Assembly.GetName().Name);
    }
}
