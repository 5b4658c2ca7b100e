using RLFramework.Agents.Buffers;

namespace RLFramework.Agents.Tests;

public class RolloutBufferTests
{
    [Fact]
    public void Gae_equals_a_hand_computation_with_a_constant_value_function()
    {
        // One environment, 4 steps, V = 2 everywhere, the episode ends after step 1 (index 1).
        var buffer = new RolloutBuffer(4, 1, 1, 1, 2);
        float[] rewards = [1, 2, 3, 4];
        float[] dones = [0, 1, 0, 0];
        for (var t = 0; t < 4; t++)
        {
            var row = buffer.NextStepFirstRow;
            buffer.Rewards[row] = rewards[t];
            buffer.Dones[row] = dones[t];
            buffer.Values[row] = 2;
            buffer.CommitStep();
        }
        const double gamma = 0.9, lambda = 0.5, v = 2;
        buffer.ComputeReturnsAndAdvantages([2f], gamma, lambda);
        // deltas: d0 = 1 + 0.9*2 - 2 = 0.8; d1 = 2 - 2 = 0 (terminal); d2 = 3 + 1.8 - 2 = 2.8; d3 = 4 + 0.9*2 - 2 = 3.8
        var a3 = 3.8;
        var a2 = 2.8 + gamma * lambda * a3;
        var a1 = 0.0;
        var a0 = 0.8 + gamma * lambda * a1;
        double[] expected = [a0, a1, a2, a3];
        for (var t = 0; t < 4; t++)
        {
            Assert.Equal(expected[t], buffer.Advantages[t], 5);
            Assert.Equal(expected[t] + v, buffer.Returns[t], 5);
        }
    }

    [Fact]
    public void Gae_with_lambda_one_is_the_discounted_return_minus_the_value()
    {
        var buffer = new RolloutBuffer(3, 2, 1, 1, 2);
        for (var t = 0; t < 3; t++)
        {
            var row = buffer.NextStepFirstRow;
            for (var e = 0; e < 2; e++)
            {
                buffer.Rewards[row + e] = t + 1 + 10 * e;
                buffer.Values[row + e] = 0.5f * (t + e);
            }
            buffer.CommitStep();
        }
        const double gamma = 0.95;
        buffer.ComputeReturnsAndAdvantages([4f, -1f], gamma, 1.0);
        for (var e = 0; e < 2; e++)
        {
            float[] last = [4f, -1f];
            for (var t = 0; t < 3; t++)
            {
                var expectedReturn = 0.0;
                for (var u = t; u < 3; u++)
                    expectedReturn += Math.Pow(gamma, u - t) * (u + 1 + 10 * e);
                expectedReturn += Math.Pow(gamma, 3 - t) * last[e];
                Assert.Equal(expectedReturn, buffer.Returns[t * 2 + e], 4);
                Assert.Equal(expectedReturn - 0.5 * (t + e), buffer.Advantages[t * 2 + e], 4);
            }
        }
    }

    [Fact]
    public void Gae_on_a_partial_buffer_is_an_error()
    {
        var buffer = new RolloutBuffer(2, 1, 1, 1, 2);
        buffer.CommitStep();
        Assert.Throws<InvalidOperationException>(() => buffer.ComputeReturnsAndAdvantages([0f], 0.9, 0.9));
    }

    [Fact]
    public void Replay_buffer_advantages_over_two_rollouts_equal_one_long_rollout()
    {
        var rollout = new RolloutBuffer(3, 1, 1, 1, 2);
        var replay = new ReplayBuffer(6, 1, 1, 1, 2);
        var whole = new RolloutBuffer(6, 1, 1, 1, 2);
        for (var chunk = 0; chunk < 2; chunk++)
        {
            rollout.Clear();
            for (var t = 0; t < 3; t++)
            {
                var row = rollout.NextStepFirstRow;
                var global = chunk * 3 + t;
                rollout.Rewards[row] = global;
                rollout.Dones[row] = global == 2 ? 1 : 0;
                rollout.Outputs[row * 2 + 1] = 0.1f * global;
                rollout.Observations[row] = global;
                rollout.CommitStep();
                var w = whole.NextStepFirstRow;
                whole.Rewards[w] = global;
                whole.Dones[w] = global == 2 ? 1 : 0;
                whole.Values[w] = 0.1f * global;
                whole.CommitStep();
            }
            replay.Add(rollout);
        }
        replay.ComputeReturnsAndAdvantages([3f], 0.9, 0.8);
        whole.ComputeReturnsAndAdvantages([3f], 0.9, 0.8);
        for (var i = 0; i < 6; i++)
            Assert.Equal(whole.Advantages[i], replay.Advantages[i], 5);
    }
}
