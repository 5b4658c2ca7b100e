namespace RLFramework.Environments;

/// <summary>Registers the built-in environments; called once by the registry's static initialization.</summary>
internal static class BuiltinEnvironments
{
    internal static void RegisterAll()
    {
        MiniGrid.MiniGridEnvironments.RegisterAll();
    }
}
