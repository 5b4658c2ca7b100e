namespace RLFramework.Environments.Tests;

/// <summary>
/// Measures what a piece of code allocates on the calling thread. The runtime itself may allocate a few KB on the
/// thread now and then (tiered JIT installing call counting or promoting a method, PGO), whenever that happens to
/// fall inside a measured loop, and more so on a loaded machine. So the code runs once to warm up and is then measured
/// <c>rounds</c> times: the least of those is what the code allocates, since an allocation of the code's own shows in
/// every round.
/// </summary>
internal static class Allocations
{
    /// <summary>The fewest bytes <paramref name="body"/> allocated in one of <paramref name="rounds"/> measured runs after a warm-up run.</summary>
    public static long Least(Action body, int rounds = 3)
    {
        body();
        var least = long.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            body();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
