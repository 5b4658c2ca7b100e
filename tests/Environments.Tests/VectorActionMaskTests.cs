using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.ToyText;
using RLFramework.Environments.Vector;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>
/// A vector environment passes on the action masks its sub-environments report (Gymnasium's <c>info["action_mask"]</c>) for
/// their current observations. Oracle: Taxi's own <c>action_mask(state)</c> of the state each observation shows.
/// </summary>
public class VectorActionMaskTests
{
    [Theory]
    [InlineData(VectorMode.Sync, AutoresetMode.SameStep)]
    [InlineData(VectorMode.Threaded, AutoresetMode.SameStep)]
    [InlineData(VectorMode.Sync, AutoresetMode.NextStep)]
    public void Taxi_masks_are_those_of_the_states_observed_after_reset_steps_and_autoresets(VectorMode mode, AutoresetMode autoreset)
    {
        const int n = 4;
        using var env = VectorEnvironment.Make("Taxi-v3", n, new VectorOptions { Mode = mode, AutoresetMode = autoreset, NumThreads = 2, MaxEpisodeSteps = 12 });
        var taxi = new TaxiEnvironment();
        var step = VectorStepBuffers.For(env);
        env.Reset(5, step.Observations);
        AssertMasksMatchStates(env, step.Observations, taxi);

        var random = new Random(3);
        var actions = new int[n];
        var episodesEnded = 0;
        for (var t = 0; t < 60; t++)
        {
            for (var e = 0; e < n; e++)
                actions[e] = random.Next(6);
            env.Step(actions, step);
            foreach (var ended in step.HasFinalObservation)
                episodesEnded += ended ? 1 : 0;
            AssertMasksMatchStates(env, step.Observations, taxi);
        }
        Assert.True(episodesEnded >= n, $"only {episodesEnded} episodes ended: the autoreset path was not exercised");
    }

    [Fact]
    public void Environments_without_masks_report_none()
    {
        using var env = VectorEnvironment.Make("CartPole-v1", 2, new VectorOptions { Mode = VectorMode.Sync });
        var observations = new float[2 * env.ObservationSize];
        env.Reset(0, observations);
        Assert.True(env.ActionMasks.IsEmpty);
        using var native = VectorEnvironment.Make("CartPole-v1", 2);
        native.Reset(0, new float[2 * native.ObservationSize]);
        Assert.True(native.ActionMasks.IsEmpty);
    }

    private static void AssertMasksMatchStates(IVectorEnvironment env, ReadOnlySpan<float> observations, TaxiEnvironment taxi)
    {
        var masks = env.ActionMasks;
        Assert.Equal(env.NumEnvs, masks.Length);
        for (var e = 0; e < env.NumEnvs; e++)
        {
            var state = (int)observations[e];
            Assert.Equal(taxi.GetActionMask(state), masks[e]);
        }
    }
}
