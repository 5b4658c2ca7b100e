using RLFramework.Environments.Checking;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>A walker with configurable defects, for the checker.</summary>
internal sealed class FaultyEnvironment : IEnvironment<ReadOnlyMemory<float>, int>
{
    private readonly float[] _observation = new float[2];
    private readonly Random _unseeded = new(Environment.TickCount);
    private bool _started;
    private bool _over;
    private int _t;

    public bool EnforceOrder { get; init; } = true;

    public bool NaNObservation { get; init; }

    public bool InfiniteReward { get; init; }

    public bool OutOfBounds { get; init; }

    public bool IgnoresSeed { get; init; }

    public bool WrongLength { get; init; }

    public Space ObservationSpace { get; } = new Box(-1f, 1f, 2);

    public Space ActionSpace { get; } = new Discrete(2);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        _started = true;
        _over = false;
        _t = 0;
        _observation[0] = IgnoresSeed ? (float)_unseeded.NextDouble() : (seed ?? 0) % 2 * 0.5f;
        _observation[1] = 0;
        return new(WrongLength ? _observation.AsMemory(0, 1) : _observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        if (EnforceOrder && (!_started || _over))
        {
            throw new InvalidOperationException("order");
        }

        _t++;
        _observation[1] = NaNObservation && _t == 3 ? float.NaN : OutOfBounds && _t == 2 ? 5f : 0.1f * action;
        _over = _t >= 6;
        double reward = InfiniteReward && _t == 4 ? double.PositiveInfinity : 1.0;
        return new(_observation, reward, _over, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }
}

public class CheckerTests
{
    [Fact]
    public void A_correct_environment_passes()
    {
        var report = EnvironmentChecker.Check(new FaultyEnvironment(), seed: 1);
        Assert.True(report.IsValid, report.ToString());
        report.ThrowIfInvalid();

        // The test walker does not enforce order itself; OrderEnforcing makes it pass.
        var walker = new OrderEnforcing<ReadOnlyMemory<float>, int>(new WalkerEnvironment());
        Assert.True(EnvironmentChecker.Check(walker, 3).IsValid);
        var cell = new OrderEnforcing<int, ReadOnlyMemory<float>>(new TimeLimit<int, ReadOnlyMemory<float>>(new CellEnvironment(), 10));
        Assert.True(EnvironmentChecker.Check((IEnvironment)cell, 3).IsValid);
    }

    [Fact]
    public void Every_defect_is_reported_in_words()
    {
        Assert.Contains(EnvironmentChecker.Check(new FaultyEnvironment { EnforceOrder = false }).Problems,
            p => p.Contains("Step before the first Reset did not throw", StringComparison.Ordinal));
        Assert.Contains(EnvironmentChecker.Check(new FaultyEnvironment { NaNObservation = true }).Problems,
            p => p.Contains("Step 2 returned an observation whose element 1 is NaN", StringComparison.Ordinal));
        Assert.Contains(EnvironmentChecker.Check(new FaultyEnvironment { InfiniteReward = true }).Problems,
            p => p.Contains("Step 3 returned the reward ∞", StringComparison.Ordinal) || p.Contains("Step 3 returned the reward Infinity", StringComparison.Ordinal));
        Assert.Contains(EnvironmentChecker.Check(new FaultyEnvironment { OutOfBounds = true }).Problems,
            p => p.Contains("outside the observation space Box(-1, 1, (2,))", StringComparison.Ordinal));
        Assert.Contains(EnvironmentChecker.Check(new FaultyEnvironment { IgnoresSeed = true }).Problems,
            p => p.Contains("Not deterministic", StringComparison.Ordinal));
        Assert.Contains(EnvironmentChecker.Check(new FaultyEnvironment { WrongLength = true }).Problems,
            p => p.Contains("observation of 1 floats", StringComparison.Ordinal));
    }

    [Fact]
    public void Labels_that_leave_an_element_unnamed_or_throw_are_reported()
    {
        Assert.True(EnvironmentChecker.Check(new Labelled(["x", "v"], ["left", "right"])).IsValid);
        Assert.Contains(EnvironmentChecker.Check(new Labelled(["x", " "], ["left", "right"])).Problems,
            p => p.Contains("IEnvironmentLabels.FeatureName(1) gives no name; each of the 2 needs one.", StringComparison.Ordinal));
        var report = EnvironmentChecker.Check(new Labelled(["x", "v"], ["left"]));
        Assert.Contains(report.Problems, p => p.Contains("IEnvironmentLabels.ActionName(1) threw IndexOutOfRangeException", StringComparison.Ordinal));
        Assert.Single(report.Problems);
    }

    /// <summary>The faulty environment without faults, naming its two features and actions from the given lists.</summary>
    private sealed class Labelled(string[] features, string[] actions)
        : Wrappers.EnvironmentWrapper<ReadOnlyMemory<float>, int>(new FaultyEnvironment()), IEnvironmentLabels
    {
        public string FeatureName(int index) => features[index];

        public string? ValueName(int index, float value) => null;

        public string ActionName(int index) => actions[index];
    }

    [Fact]
    public void Rendering_that_comes_before_reset_changes_the_state_varies_or_changes_size_is_reported()
    {
        Assert.True(EnvironmentChecker.Check(new Rendered()).IsValid, EnvironmentChecker.Check(new Rendered()).ToString());
        Assert.Contains(EnvironmentChecker.Check(new Rendered { BeforeReset = true }).Problems,
            p => p.StartsWith("RenderText before the first Reset did not throw", StringComparison.Ordinal));
        Assert.Contains(EnvironmentChecker.Check(new Rendered { Moves = true }).Problems,
            p => p.StartsWith("Not deterministic", StringComparison.Ordinal) && p.Contains("rendering must not change the environment", StringComparison.Ordinal));
        Assert.Contains(EnvironmentChecker.Check(new Rendered { Varies = true }).Problems,
            p => p == "RenderText after Reset gave two different texts for one state; rendering must only read the state.");
        Assert.Contains(EnvironmentChecker.Check(new Rendered { Grows = true }).Problems,
            p => p == "RenderImage after step 0 gave a 2x1 image after 1x1 ones; every frame must have one size.");
        Assert.Contains(EnvironmentChecker.Check(new Rendered { Fps = 0 }).Problems, p => p.StartsWith("RenderFps is 0", StringComparison.Ordinal));
    }

    /// <summary>The faulty environment without faults, rendered by a wrapper with configurable rendering defects.</summary>
    private sealed class Rendered() : Wrappers.EnvironmentWrapper<ReadOnlyMemory<float>, int>(new FaultyEnvironment()), ITextRenderable, IImageRenderable
    {
        private readonly float[] _observation = new float[2];
        private int _t = -1;
        private int _calls;

        public bool BeforeReset { get; init; }

        public bool Moves { get; init; }

        public bool Varies { get; init; }

        public bool Grows { get; init; }

        public int Fps { get; init; } = 4;

        public int RenderFps => Fps;

        public override ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
        {
            var result = base.Reset(seed);
            _t = 0;
            return new(Shifted(result.Observation), result.Info);
        }

        public override StepResult<ReadOnlyMemory<float>> Step(int action)
        {
            var result = base.Step(action);
            _t++;
            return result with { Observation = Shifted(result.Observation) };
        }

        public string RenderText()
        {
            if (_t < 0 && !BeforeReset)
                throw new InvalidOperationException("Reset first.");
            if (Moves)
                _t += 10;
            return Varies ? $"t={_t} ({_calls++})" : $"t={_t}";
        }

        public RgbImage RenderImage() => _t < 0 && !BeforeReset ? throw new InvalidOperationException("Reset first.") : new RgbImage(Grows ? 1 + _t : 1, 1);

        private float[] Shifted(ReadOnlyMemory<float> inner)
        {
            inner.Span.CopyTo(_observation);
            _observation[1] = Math.Clamp(_observation[1] + _t / 100f, -1, 1);
            return _observation;
        }
    }

    [Fact]
    public void Step_after_the_end_without_reset_must_throw()
    {
        var report = EnvironmentChecker.Check(new WalkerEnvironment(bound: 1), seed: 0);
        Assert.Contains(report.Problems, p => p.Contains("Step after the episode ended (without Reset) did not throw", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidOperationException>(report.ThrowIfInvalid);
        Assert.Contains("WalkerEnvironment", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_space_and_value_types_are_reported()
    {
        var report = EnvironmentChecker.Check(new MismatchedEnvironment());
        Assert.Contains(report.Problems, p => p.Contains("Observations are Int32 but the observation space is Box", StringComparison.Ordinal));
    }

    private sealed class MismatchedEnvironment : IEnvironment<int, int>
    {
        public Space ObservationSpace { get; } = new Box(0f, 1f, 1);

        public Space ActionSpace { get; } = new Discrete(2);

        public EnvironmentSpec? Spec => null;

        public ResetResult<int> Reset(int? seed = null) => new(0, StepInfo.Empty);

        public StepResult<int> Step(int action) => new(0, 0, false, false, StepInfo.Empty);

        public void Dispose()
        {
        }
    }
}
