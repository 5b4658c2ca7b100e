using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>An environment that decorates another one (what <see cref="EnvironmentExtensions.Unwrapped"/> walks through).</summary>
public interface IEnvironmentWrapper
{
    /// <summary>The wrapped environment.</summary>
    IEnvironment InnerEnvironment { get; }
}

/// <summary>
/// Base of the wrappers that keep the observation and action types: every member forwards to
/// <see cref="Inner"/>; a wrapper overrides what it changes (Gymnasium's Wrapper).
/// </summary>
public abstract class EnvironmentWrapper<TObservation, TAction> : IEnvironment<TObservation, TAction>, IEnvironmentWrapper
{
    private bool _disposed;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected EnvironmentWrapper(IEnvironment<TObservation, TAction> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The wrapped environment.</summary>
    public IEnvironment<TObservation, TAction> Inner { get; }

    /// <inheritdoc/>
    public IEnvironment InnerEnvironment => Inner;

    /// <inheritdoc/>
    public virtual Space ObservationSpace => Inner.ObservationSpace;

    /// <inheritdoc/>
    public virtual Space ActionSpace => Inner.ActionSpace;

    /// <inheritdoc/>
    public virtual EnvironmentSpec? Spec => Inner.Spec;

    /// <inheritdoc/>
    public virtual ResetResult<TObservation> Reset(int? seed = null) => Inner.Reset(seed);

    /// <inheritdoc/>
    public virtual StepResult<TObservation> Step(TAction action) => Inner.Step(action);

    /// <summary>Disposes the wrapped environment.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the wrapped environment once.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            Inner.Dispose();
        }
    }
}

/// <summary>Helpers over wrapper chains.</summary>
public static class EnvironmentExtensions
{
    /// <summary>The innermost environment under every wrapper (Gymnasium's env.unwrapped).</summary>
    public static IEnvironment Unwrapped(this IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        while (environment is IEnvironmentWrapper wrapper)
        {
            environment = wrapper.InnerEnvironment;
        }

        return environment;
    }

    /// <summary>The outermost layer of the chain (this one included) that is a <typeparamref name="T"/>, or null.</summary>
    public static T? Find<T>(this IEnvironment environment)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(environment);
        while (true)
        {
            if (environment is T found)
            {
                return found;
            }

            if (environment is not IEnvironmentWrapper wrapper)
            {
                return null;
            }

            environment = wrapper.InnerEnvironment;
        }
    }
}
