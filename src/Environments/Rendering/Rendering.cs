using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments;

/// <summary>
/// Finds what renders an environment through its wrappers. Every wrapper passes <c>render()</c> to the environment it
/// wraps, as Gymnasium's <c>Wrapper.render</c> does: a picture shows the world, not the observation a wrapper makes
/// of it, so a wrapper that changes the observation (a flattening, a one-hot encoding) still shows the same frames.
/// </summary>
public static class Rendering
{
    /// <summary>The text renderer of <paramref name="environment"/> (the outermost layer that has one), or null.</summary>
    public static ITextRenderable? TextOf(IEnvironment environment) => Find<ITextRenderable>(environment);

    /// <summary>The image renderer of <paramref name="environment"/> (the outermost layer that has one), or null.</summary>
    public static IImageRenderable? ImageOf(IEnvironment environment) => Find<IImageRenderable>(environment);

    private static T? Find<T>(IEnvironment environment) where T : class
    {
        ArgumentNullException.ThrowIfNull(environment);
        while (true)
        {
            if (environment is T renderer)
                return renderer;
            if (environment is not IEnvironmentWrapper wrapper)
                return null;
            environment = wrapper.InnerEnvironment;
        }
    }
}
