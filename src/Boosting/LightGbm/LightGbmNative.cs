using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RLFramework.Boosting.LightGbm;

/// <summary>
/// P/Invoke declarations for the subset of LightGBM's C API (<c>include/LightGBM/c_api.h</c>, version 4.6.0)
/// that <see cref="LightGbmBooster"/> uses. The native library is <c>lib_lightgbm</c> from the
/// <c>LightGBM</c> NuGet package that Microsoft.ML.LightGbm depends on; it is copied to every consumer's
/// output under <c>runtimes/&lt;rid&gt;/native</c> and found through the consumer's deps.json.
/// Every function returns 0 on success and -1 on failure; <see cref="Check"/> turns a failure into an
/// exception carrying <c>LGBM_GetLastError</c> (a thread-local message in LightGBM, so it is read on the
/// thread that made the failing call).
/// </summary>
internal static unsafe partial class LightGbmNative
{
    private const string Library = "lib_lightgbm";

    internal const int DTypeFloat32 = 0;
    internal const int PredictRawScore = 1;

    [LibraryImport(Library)]
    private static partial nint LGBM_GetLastError();

    [LibraryImport(Library)]
    internal static partial int LGBM_RegisterLogCallback(delegate* unmanaged[Cdecl]<byte*, void> callback);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_DatasetCreateFromMat(
        float* data, int dataType, int nrow, int ncol, int isRowMajor, string parameters, nint reference, out DatasetHandle dataset);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetFree(nint dataset);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_BoosterCreate(DatasetHandle trainData, string parameters, out BoosterHandle booster);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterLoadModelFromString(byte* modelString, out int iterations, out BoosterHandle booster);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterFree(nint booster);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterMerge(BoosterHandle booster, BoosterHandle other);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterRollbackOneIter(BoosterHandle booster);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterResetTrainingData(BoosterHandle booster, DatasetHandle trainData);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterUpdateOneIterCustom(BoosterHandle booster, float* gradients, float* hessians, out int isFinished);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterNumberOfTotalModel(BoosterHandle booster, out int models);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetNumClasses(BoosterHandle booster, out int classes);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_BoosterPredictForMat(
        BoosterHandle booster, float* data, int dataType, int nrow, int ncol, int isRowMajor, int predictType,
        int startIteration, int numIteration, string parameters, out long outLength, double* result);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterSaveModelToString(
        BoosterHandle booster, int startIteration, int numIteration, int featureImportanceType, long bufferLength, out long outLength, byte* result);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterDumpModel(
        BoosterHandle booster, int startIteration, int numIteration, int featureImportanceType, long bufferLength, out long outLength, byte* result);

    /// <summary>Throws an <see cref="InvalidOperationException"/> with LightGBM's last error when <paramref name="status"/> is not 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != 0)
            ThrowLastError(call);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLastError(string call)
    {
        var message = Marshal.PtrToStringUTF8(LGBM_GetLastError()) ?? "(no message)";
        var name = call.AsSpan();
        var paren = name.IndexOf('(');
        if (paren > 0)
            name = name[..paren];
        name = name[(name.LastIndexOf('.') + 1)..];
        throw new InvalidOperationException($"LightGBM call {name.ToString()} failed: {message}");
    }

    [ThreadStatic]
    private static bool t_quiet;

    /// <summary>
    /// LightGBM keeps its log level and log callback per thread and prints warnings with printf unless a
    /// callback is registered; libraries must not write to the console, so every thread that calls into
    /// LightGBM first installs a callback that drops the messages. Errors still reach us through the return
    /// codes and <c>LGBM_GetLastError</c> (LightGBM also writes a fatal error to stderr itself, bypassing the
    /// callback; the booster validates its inputs so that this happens only for a corrupt model text).
    /// </summary>
    internal static void SilenceThisThread()
    {
        if (t_quiet)
            return;
        try
        {
            Check(LGBM_RegisterLogCallback(&DropMessage));
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                "The LightGBM native library lib_lightgbm could not be loaded. It comes with the LightGBM NuGet package " +
                "(runtimes/<rid>/native) and needs OpenMP's libgomp.so.1 (Debian/Ubuntu: apt-get install libgomp1). " + e.Message, e);
        }
        t_quiet = true;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void DropMessage(byte* message)
    {
    }
}

/// <summary>Owns a LightGBM <c>DatasetHandle</c>.</summary>
internal sealed class DatasetHandle : SafeHandle
{
    public DatasetHandle() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => LightGbmNative.LGBM_DatasetFree(handle) == 0;
}

/// <summary>Owns a LightGBM <c>BoosterHandle</c>.</summary>
internal sealed class BoosterHandle : SafeHandle
{
    public BoosterHandle() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => LightGbmNative.LGBM_BoosterFree(handle) == 0;
}
