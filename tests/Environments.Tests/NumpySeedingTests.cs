using System.Runtime.InteropServices;
using System.Text.Json;
using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Vector;

namespace RLFramework.Environments.Tests;

/// <summary>
/// CartPole's numpy_seeding option against the reference: the golden file's seeded_reset_examples are
/// Gymnasium's <c>env.reset(seed=s)</c> observations (NumPy PCG64 + SeedSequence); the single and the
/// native vector environment must give them bit for bit.
/// </summary>
public class NumpySeedingTests
{
    private static readonly EnvironmentOptions s_numpy = EnvironmentOptions.FromPairs(("numpy_seeding", true));

    [Fact]
    public void Seeded_resets_give_the_reference_initial_observations()
    {
        var examples = Examples();
        Assert.True(examples.Count >= 3);
        using var env = Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1", s_numpy);
        using var vector = VectorEnvironment.Make("CartPole-v1", 8, new VectorOptions { EnvironmentOptions = s_numpy });
        Assert.True(Assert.IsType<CartPoleVectorEnvironment>(vector).Options.NumpySeeding);
        var observations = new float[8 * 4];
        vector.Reset(0, observations); // sub-environment i is seeded with i
        foreach (var (seed, expected) in examples)
        {
            float[] single = env.Reset(seed).Observation.ToArray();
            Assert.Equal(Bits(expected), Bits(single));
            Assert.Equal(Bits(expected), Bits(observations.AsSpan(seed * 4, 4).ToArray()));
        }
    }

    [Fact]
    public void Default_seeding_differs_from_numpy_and_negative_seeds_are_rejected()
    {
        var (seed, expected) = Examples()[0];
        using var plain = Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1");
        Assert.NotEqual(Bits(expected), Bits(plain.Reset(seed).Observation.ToArray()));

        using var env = Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1", s_numpy);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => env.Reset(-1));
        Assert.Contains("non-negative", error.Message, StringComparison.Ordinal);
        using var vector = new CartPoleVectorEnvironment(2, new CartPoleOptions { NumpySeeding = true });
        Assert.Throws<ArgumentOutOfRangeException>(() => vector.Reset(-5, new float[8]));

        // Unseeded NumPy-seeded environments still reset (from the process-wide counter).
        Assert.Equal(4, env.Reset().Observation.Length);
    }

    [Fact]
    public void Native_vector_with_numpy_seeding_equals_the_generic_sync_vector()
    {
        using var native = VectorEnvironment.Make("CartPole-v1", 6, new VectorOptions { EnvironmentOptions = s_numpy, AutoresetMode = AutoresetMode.SameStep });
        using var generic = VectorEnvironment.Make("CartPole-v1", 6, new VectorOptions { EnvironmentOptions = s_numpy, AutoresetMode = AutoresetMode.SameStep, Mode = VectorMode.Sync });
        var a = VectorStepBuffers.For(native);
        var g = VectorStepBuffers.For(generic);
        native.Reset(11, a.Observations);
        generic.Reset(11, g.Observations);
        Assert.Equal(Bits(g.Observations.ToArray()), Bits(a.Observations.ToArray()));
        var actions = new int[6];
        var random = new Random(4);
        int ended = 0;
        for (int t = 0; t < 600; t++)
        {
            for (int i = 0; i < 6; i++)
            {
                actions[i] = random.Next(2);
            }

            native.Step(actions, a);
            generic.Step(actions, g);
            Assert.Equal(Bits(g.Observations.ToArray()), Bits(a.Observations.ToArray()));
            for (int i = 0; i < 6; i++)
            {
                Assert.Equal(g.Terminated[i], a.Terminated[i]);
                if (g.HasFinalObservation[i])
                {
                    ended++;
                    Assert.Equal(Bits(g.FinalObservation(i).ToArray()), Bits(a.FinalObservation(i).ToArray()));
                }
            }
        }

        Assert.True(ended > 50, $"{ended} episodes ended");
    }

    private static List<(int Seed, float[] Observation)> Examples()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(GoldenTests.GoldenPath("CartPole-v1.json")));
        var examples = new List<(int, float[])>();
        foreach (JsonElement example in document.RootElement.GetProperty("seeded_reset_examples").EnumerateArray())
        {
            var observation = new List<float>();
            foreach (JsonElement value in example.GetProperty("obs").EnumerateArray())
            {
                observation.Add((float)value.GetDouble()); // exact decimals of float32 values: parse as double, cast
            }

            examples.Add((example.GetProperty("seed").GetInt32(), observation.ToArray()));
        }

        return examples;
    }

    private static int[] Bits(float[] values) => MemoryMarshal.Cast<float, int>(values).ToArray();
}
