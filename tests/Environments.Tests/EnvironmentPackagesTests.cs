using System.Reflection;
using System.Reflection.Emit;

namespace RLFramework.Environments.Tests;

/// <summary>
/// <see cref="EnvironmentPackages.Load"/>'s errors for packages that cannot run: a package without a public
/// parameterless constructor, and one whose Register() throws. The broken packages are small assemblies written at
/// test time with <see cref="PersistedAssemblyBuilder"/> (so no broken project is needed in the solution).
/// </summary>
public sealed class EnvironmentPackagesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rl-packages-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_package_whose_register_throws_is_an_error_naming_the_class_the_file_and_the_cause()
    {
        var path = WritePackage("ThrowingPackage", parameterless: true);
        var error = Assert.Throws<ArgumentException>(() => EnvironmentPackages.Load(path));
        Assert.Contains($"Broken.ThrowingPackage.Register() in '{path}' failed: no environments today", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public void A_package_without_a_parameterless_constructor_is_an_error_naming_it()
    {
        var path = WritePackage("ConfiguredPackage", parameterless: false);
        var error = Assert.Throws<ArgumentException>(() => EnvironmentPackages.Load(path));
        Assert.Contains($"Broken.ConfiguredPackage in '{path}' needs a public parameterless constructor", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes an assembly with one public class Broken.NAME : IEnvironmentPackage whose constructor takes no argument
    /// (or an int) and whose Register() throws InvalidOperationException("no environments today").
    /// </summary>
    private string WritePackage(string name, bool parameterless)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName($"Broken{name}"), typeof(object).Assembly);
        var module = assembly.DefineDynamicModule($"Broken{name}");
        var type = module.DefineType($"Broken.{name}", TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Sealed, typeof(object), [typeof(IEnvironmentPackage)]);

        var constructor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, parameterless ? Type.EmptyTypes : [typeof(int)]);
        var il = constructor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(object).GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Ret);

        var register = type.DefineMethod(nameof(IEnvironmentPackage.Register),
            MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.HideBySig | MethodAttributes.NewSlot, typeof(void), Type.EmptyTypes);
        il = register.GetILGenerator();
        il.Emit(OpCodes.Ldstr, "no environments today");
        il.Emit(OpCodes.Newobj, typeof(InvalidOperationException).GetConstructor([typeof(string)])!);
        il.Emit(OpCodes.Throw);
        type.DefineMethodOverride(register, typeof(IEnvironmentPackage).GetMethod(nameof(IEnvironmentPackage.Register))!);
        type.CreateType();

        var path = Path.Combine(_directory, $"Broken{name}.dll");
        assembly.Save(path);
        return path;
    }
}
