using RLFramework.Environments.Checking;
using RLFramework.Environments.Vector;

namespace RLFramework.Environments.Tests;

/// <summary>Every registered environment passes the checker and vectorizes identically in both modes.</summary>
public class CheckerBuiltinTests
{
    public static TheoryData<string> RegisteredIds()
    {
        var data = new TheoryData<string>();
        foreach (string id in EnvironmentRegistry.Ids)
        {
            if (!id.StartsWith("Test", StringComparison.Ordinal))
            {
                data.Add(id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RegisteredIds))]
    public void Registered_environment_passes_the_checker(string id)
    {
        using var env = EnvironmentRegistry.Make(id);
        var report = EnvironmentChecker.Check(env, seed: 42);
        Assert.True(report.IsValid, report.ToString());
    }

    [Theory]
    [MemberData(nameof(RegisteredIds))]
    public void Registered_environment_vectorizes_identically_sync_and_threaded(string id)
    {
        foreach (var mode in new[] { AutoresetMode.NextStep, AutoresetMode.SameStep })
        {
            using var sync = VectorEnvironment.Make(id, 4, new VectorOptions { AutoresetMode = mode, MaxEpisodeSteps = 25 });
            using var threaded = VectorEnvironment.Make(id, 4, new VectorOptions { AutoresetMode = mode, MaxEpisodeSteps = 25, Mode = VectorMode.Threaded, NumThreads = 2 });
            var a = new float[4 * sync.ObservationSize];
            var b = new float[4 * sync.ObservationSize];
            sync.Reset(7, a);
            threaded.Reset(7, b);
            Assert.Equal(a, b);
            var ra = VectorStepBuffers.For(sync);
            var rb = VectorStepBuffers.For(threaded);
            sync.SingleActionSpace.Seed(3);
            var ints = new int[4];
            var floats = new float[4 * sync.ActionSize];
            for (int t = 0; t < 60; t++)
            {
                if (sync.SingleActionSpace is Spaces.Discrete)
                {
                    for (int i = 0; i < 4; i++)
                    {
                        ints[i] = ((Spaces.Discrete)sync.SingleActionSpace).Sample();
                    }

                    sync.Step(ints, ra);
                    threaded.Step(ints, rb);
                }
                else
                {
                    var box = (Spaces.Box)sync.SingleActionSpace;
                    for (int i = 0; i < 4; i++)
                    {
                        box.Sample(floats.AsSpan(i * sync.ActionSize, sync.ActionSize));
                    }

                    sync.Step(floats, ra);
                    threaded.Step(floats, rb);
                }

                Assert.Equal(ra.Observations.ToArray(), rb.Observations.ToArray());
                Assert.Equal(ra.Rewards.ToArray(), rb.Rewards.ToArray());
                Assert.Equal(ra.Terminated.ToArray(), rb.Terminated.ToArray());
                Assert.Equal(ra.Truncated.ToArray(), rb.Truncated.ToArray());
                Assert.True(sync.SingleObservationSpace is not Spaces.Box obsBox || obsBox.FlatSize == sync.ObservationSize);
            }
        }
    }
}
