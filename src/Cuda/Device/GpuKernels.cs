using ILGPU;
using ILGPU.Runtime;
using RLFramework.Cuda.Ensemble;
using RLFramework.Cuda.Histograms;
using RLFramework.Cuda.Splitting;
using RLFramework.Cuda.Trees;

namespace RLFramework.Cuda;

/// <summary>
/// Every boosting kernel, compiled and loaded once per accelerator (ILGPU caches the compiled code; the
/// delegates launch on the accelerator's default stream). <see cref="All"/> lists the kernel methods for the
/// PTX compile test.
/// </summary>
internal sealed class GpuKernels
{
    public GpuKernels(Accelerator accelerator)
    {
        HistogramAccumulate = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<double>, ArrayView<int>, ArrayView<int>, ArrayView<double>, HistogramShape>(HistogramKernels.Accumulate);
        HistogramTotals = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<double>, HistogramShape>(HistogramKernels.Totals);
        PrefixSums = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<double>, HistogramShape>(SplitKernels.PrefixSums);
        Scores = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<double>, ScoreShape>(SplitKernels.Scores);
        Best = accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<int>, ArrayView<double>, int>(SplitKernels.Best);
        Partition = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<int>, int>(TreeKernels.Partition);
        CountNodes = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>>(TreeKernels.CountNodes);
        LeafSums = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<double>, ArrayView<int>, int, int>(TreeKernels.LeafSums);
        PredictOblivious = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PredictShape>(PredictionKernels.Oblivious);
        PredictGreedy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, PredictShape>(PredictionKernels.Greedy);
        FillBias = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(PredictionKernels.FillBias);
        var groupSize = SplitKernels.BestGroupSize;
        while (groupSize > accelerator.MaxNumThreadsPerGroup)
            groupSize /= 2;
        BestGroupSize = groupSize;
    }

    /// <summary>The kernel methods with whether each is explicitly grouped (for the PTX compile test).</summary>
    public static IReadOnlyList<(System.Reflection.MethodInfo Method, bool ExplicitlyGrouped)> All { get; } =
    [
        (Method(typeof(HistogramKernels), nameof(HistogramKernels.Accumulate)), false),
        (Method(typeof(HistogramKernels), nameof(HistogramKernels.Totals)), false),
        (Method(typeof(SplitKernels), nameof(SplitKernels.PrefixSums)), false),
        (Method(typeof(SplitKernels), nameof(SplitKernels.Scores)), false),
        (Method(typeof(SplitKernels), nameof(SplitKernels.Best)), true),
        (Method(typeof(TreeKernels), nameof(TreeKernels.Partition)), false),
        (Method(typeof(TreeKernels), nameof(TreeKernels.CountNodes)), false),
        (Method(typeof(TreeKernels), nameof(TreeKernels.LeafSums)), false),
        (Method(typeof(PredictionKernels), nameof(PredictionKernels.Oblivious)), false),
        (Method(typeof(PredictionKernels), nameof(PredictionKernels.Greedy)), false),
        (Method(typeof(PredictionKernels), nameof(PredictionKernels.FillBias)), false),
    ];

    private static System.Reflection.MethodInfo Method(Type type, string name) =>
        type.GetMethod(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        ?? throw new InvalidOperationException($"Kernel {type.Name}.{name} not found.");

    /// <summary>Threads per group of the best-split reduction on this accelerator (a power of 2).</summary>
    public int BestGroupSize { get; }

    public Action<Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<double>, ArrayView<int>, ArrayView<int>, ArrayView<double>, HistogramShape> HistogramAccumulate { get; }

    public Action<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<double>, HistogramShape> HistogramTotals { get; }

    public Action<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<double>, HistogramShape> PrefixSums { get; }

    public Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<double>, ScoreShape> Scores { get; }

    public Action<KernelConfig, ArrayView<double>, ArrayView<int>, ArrayView<double>, int> Best { get; }

    public Action<Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<int>, int> Partition { get; }

    public Action<Index1D, ArrayView<int>, ArrayView<int>> CountNodes { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<double>, ArrayView<int>, int, int> LeafSums { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PredictShape> PredictOblivious { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, PredictShape> PredictGreedy { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, int> FillBias { get; }
}
