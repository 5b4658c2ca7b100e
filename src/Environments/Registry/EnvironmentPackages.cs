using System.Reflection;
using System.Runtime.Loader;

namespace RLFramework.Environments;

/// <summary>
/// What a user's assembly implements so that tools can register its environments without knowing them (the role of
/// Gymnasium's entry points and the RL Zoo's <c>--gym-packages</c>): a public class with a public parameterless
/// constructor whose <see cref="Register"/> calls <see cref="EnvironmentRegistry.Register"/> for each environment.
/// </summary>
public interface IEnvironmentPackage
{
    /// <summary>Registers the package's environments.</summary>
    void Register();
}

/// <summary>
/// Loads users' environment assemblies (<c>rl train --env-assembly PATH</c>) and runs their
/// <see cref="IEnvironmentPackage"/>s. An assembly is loaded once per path; the RLFramework assemblies and the
/// framework are shared with the host, so the package registers into the host's registry, and the package's own
/// dependencies are found next to it (its <c>.deps.json</c>).
/// </summary>
public static class EnvironmentPackages
{
    private static readonly object s_lock = new();
    private static readonly Dictionary<string, IReadOnlyList<string>> s_loaded = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads the assembly at <paramref name="path"/> and runs every <see cref="IEnvironmentPackage"/> it defines;
    /// returns the ids they registered (empty when the path was loaded before). Errors name the file and the problem:
    /// missing, not a .NET assembly, no package class, or a package that failed.
    /// </summary>
    public static IReadOnlyList<string> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        lock (s_lock)
        {
            if (s_loaded.ContainsKey(full))
                return [];
            if (!File.Exists(full))
                throw new FileNotFoundException($"Environment assembly '{path}' does not exist.", full);

            Assembly assembly;
            try
            {
                assembly = new PackageLoadContext(full).LoadFromAssemblyPath(full);
            }
            catch (BadImageFormatException e)
            {
                throw new ArgumentException($"Environment assembly '{path}' is not a .NET assembly ({e.Message}).", e);
            }

            Type[] types;
            try
            {
                types = assembly.GetExportedTypes();
            }
            catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
            {
                throw new ArgumentException($"Environment assembly '{path}' cannot be loaded: {e.Message} (is it built against this version of RLFramework.Environments?)", e);
            }

            var packages = new List<Type>();
            foreach (var type in types)
            {
                if (type.IsClass && !type.IsAbstract && typeof(IEnvironmentPackage).IsAssignableFrom(type))
                    packages.Add(type);
            }
            if (packages.Count == 0)
                throw new ArgumentException($"Environment assembly '{path}' has no public class implementing {nameof(IEnvironmentPackage)}; add one whose Register() registers the environments.");

            var before = new HashSet<string>(EnvironmentRegistry.Ids, StringComparer.Ordinal);
            foreach (var type in packages)
            {
                if (type.GetConstructor(Type.EmptyTypes) is null)
                    throw new ArgumentException($"{type.FullName} in '{path}' needs a public parameterless constructor.");
                try
                {
                    ((IEnvironmentPackage)Activator.CreateInstance(type)!).Register();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    var inner = e is TargetInvocationException { InnerException: { } cause } ? cause : e;
                    throw new ArgumentException($"{type.FullName}.Register() in '{path}' failed: {inner.Message}", inner);
                }
            }

            var added = new List<string>();
            foreach (var id in EnvironmentRegistry.Ids)
            {
                if (!before.Contains(id))
                    added.Add(id);
            }
            s_loaded[full] = added;
            return added;
        }
    }

    /// <summary>Shares every assembly the host can load (RLFramework, the framework) and resolves the rest next to the package.</summary>
    private sealed class PackageLoadContext(string path) : AssemblyLoadContext($"environment package {Path.GetFileName(path)}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            try
            {
                return Default.LoadFromAssemblyName(assemblyName);
            }
            catch (FileNotFoundException)
            {
                var local = _resolver.ResolveAssemblyToPath(assemblyName);
                return local is null ? null : LoadFromAssemblyPath(local);
            }
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var local = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return local is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(local);
        }
    }
}
