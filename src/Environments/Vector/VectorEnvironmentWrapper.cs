using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Vector;

/// <summary>Base of vector wrappers: every member forwards to <see cref="Inner"/>; a wrapper overrides what it changes.</summary>
public abstract class VectorEnvironmentWrapper : IVectorEnvironment
{
    private bool _disposed;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected VectorEnvironmentWrapper(IVectorEnvironment inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The wrapped vector environment.</summary>
    public IVectorEnvironment Inner { get; }

    /// <inheritdoc/>
    public int NumEnvs => Inner.NumEnvs;

    /// <inheritdoc/>
    public virtual Space SingleObservationSpace => Inner.SingleObservationSpace;

    /// <inheritdoc/>
    public Space SingleActionSpace => Inner.SingleActionSpace;

    /// <inheritdoc/>
    public int ObservationSize => Inner.ObservationSize;

    /// <inheritdoc/>
    public int ActionSize => Inner.ActionSize;

    /// <inheritdoc/>
    public AutoresetMode AutoresetMode => Inner.AutoresetMode;

    /// <inheritdoc/>
    public ReadOnlySpan<ulong> ActionMasks => Inner.ActionMasks;

    /// <inheritdoc/>
    public virtual void Reset(int? seed, Span<float> observations) => Inner.Reset(seed, observations);

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<int> actions, VectorStepBuffers results)
    {
        Inner.Step(actions, results);
        AfterStep(results);
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> actions, VectorStepBuffers results)
    {
        Inner.Step(actions, results);
        AfterStep(results);
    }

    /// <summary>Disposes the wrapped vector environment.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Transforms or records the results of a step of the inner environment, in place.</summary>
    protected abstract void AfterStep(VectorStepBuffers results);

    /// <summary>Disposes the wrapped vector environment once.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            Inner.Dispose();
        }
    }
}

/// <summary>Helpers over vector wrapper chains.</summary>
public static class VectorEnvironmentExtensions
{
    /// <summary>The outermost layer of the chain (this one included) that is a <typeparamref name="T"/>, or null (e.g. the <see cref="VectorNormalizeObservation"/> to save its statistics).</summary>
    public static T? Find<T>(this IVectorEnvironment environment)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(environment);
        while (true)
        {
            if (environment is T found)
            {
                return found;
            }

            if (environment is not VectorEnvironmentWrapper wrapper)
            {
                return null;
            }

            environment = wrapper.Inner;
        }
    }
}
