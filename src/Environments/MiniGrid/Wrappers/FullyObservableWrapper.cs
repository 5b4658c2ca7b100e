using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid's FullyObsWrapper: the observation image is the whole grid ([x][y][channel], width x
/// height x 3) with the agent drawn as (10, 0, direction); direction and mission unchanged. The
/// observation object is reused across steps.
/// </summary>
public sealed class FullyObservableWrapper : IEnvironment<MiniGridObservation, int>, IEnvironmentWrapper, IEnvironmentLabels
{
    private readonly MiniGridEnvironment _inner;
    private readonly Box _space;
    private readonly MiniGridLabels _labels;
    private MiniGridObservation _observation;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FullyObservableWrapper(MiniGridEnvironment inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _observation = new MiniGridObservation(inner.LayoutWidth, inner.LayoutHeight, inner.Missions);
        int cells = inner.LayoutWidth * inner.LayoutHeight;
        var low = new float[(cells * 3) + 2];
        var high = new float[low.Length];
        var cardinalities = new int[low.Length];
        for (int i = 0; i < cells * 3; i++)
        {
            cardinalities[i] = (i % 3) switch { 0 => 11, 1 => 6, _ => 4 };
            high[i] = cardinalities[i] - 1;
        }

        cardinalities[^2] = 4;
        high[^2] = 3;
        cardinalities[^1] = inner.Missions.Count;
        high[^1] = inner.Missions.Count - 1;
        _space = new Box(low, high, [low.Length], cardinalities);
        _labels = MiniGridLabels.FullGrid(inner.LayoutWidth, inner.LayoutHeight, inner.Missions);
    }

    /// <inheritdoc/>
    public IEnvironment InnerEnvironment => _inner;

    /// <summary>
    /// The flat float encoding of the observation: width x height x 3 image bytes (cardinalities 11,
    /// 6 and 4: the agent's state channel holds its direction), the direction, the mission index.
    /// </summary>
    public Space ObservationSpace => _space;

    /// <inheritdoc/>
    public Space ActionSpace => _inner.ActionSpace;

    /// <inheritdoc/>
    public EnvironmentSpec? Spec => _inner.Spec;

    /// <summary>Names the flat layout: <c>grid(x,y).object</c>, <c>.colour</c>, <c>.state</c> per cell, then direction and mission.</summary>
    public string FeatureName(int index) => _labels.FlatFeatureName(index);

    /// <inheritdoc/>
    public string? ValueName(int index, float value) => _labels.FlatValueName(index, value);

    /// <inheritdoc/>
    public string ActionName(int index) => MiniGridLabels.ActionName(index);

    /// <inheritdoc/>
    public ResetResult<MiniGridObservation> Reset(int? seed = null)
    {
        ResetResult<MiniGridObservation> result = _inner.Reset(seed);
        return new ResetResult<MiniGridObservation>(Render(), result.Info);
    }

    /// <inheritdoc/>
    public StepResult<MiniGridObservation> Step(int action)
    {
        StepResult<MiniGridObservation> result = _inner.Step(action);
        return new StepResult<MiniGridObservation>(Render(), result.Reward, result.Terminated, result.Truncated, result.Info);
    }

    /// <summary>The fully observable observation of the inner environment's current world (after its SetState, say).</summary>
    public MiniGridObservation Render()
    {
        MiniGridWorld world = _inner.World;
        if (_observation.ImageWidth != world.Width || _observation.ImageHeight != world.Height)
        {
            _observation = new MiniGridObservation(world.Width, world.Height, _inner.Missions);
        }

        world.RenderFullGrid(_observation.ImageForWriting());
        _observation.Direction = world.AgentDirection;
        _observation.MissionIndex = world.MissionIndex;
        return _observation;
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
