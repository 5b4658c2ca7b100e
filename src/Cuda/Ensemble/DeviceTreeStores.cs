using ILGPU;
using ILGPU.Runtime;
using RLFramework.Boosting.Trees;

namespace RLFramework.Cuda.Ensemble;

/// <summary>
/// The trees of an ensemble on the device as flat arrays (twins of <c>ObliviousTreeStore</c> and
/// <c>GreedyTreeStore</c>). Appending a tree uploads only that tree; arrays grow by doubling with a device-to-device
/// copy, so the ensemble is never re-uploaded.
/// </summary>
internal interface IDeviceTreeStore : IDisposable
{
    /// <summary>Number of trees on the device.</summary>
    int Count { get; }

    /// <summary>outputs[i * K + k] -= sum over trees [first, end) of leaf value k of sample i (device views).</summary>
    void Accumulate(ArrayView<float> features, int sampleCount, int featureCount, int firstTree, int endTree, ArrayView<float> outputs);
}

/// <summary>Oblivious trees: MaxDepth levels per tree (unused levels never send right), 2^MaxDepth leaves per output.</summary>
internal sealed class DeviceObliviousTrees : IDeviceTreeStore
{
    private readonly GpuDevice _device;
    private readonly int _maxDepth;
    private readonly int _outputs;
    private readonly int[] _feature;
    private readonly float[] _lo;
    private readonly float[] _hi;
    private readonly float[] _leaves;
    private readonly DeviceArray<int> _featureOnDevice;
    private readonly DeviceArray<float> _loOnDevice;
    private readonly DeviceArray<float> _hiOnDevice;
    private readonly DeviceArray<float> _leavesOnDevice;

    public DeviceObliviousTrees(GpuDevice device, int maxDepth, int outputCount)
    {
        _device = device;
        _maxDepth = maxDepth;
        _outputs = outputCount;
        _feature = new int[maxDepth];
        _lo = new float[maxDepth];
        _hi = new float[maxDepth];
        _leaves = new float[outputCount << maxDepth];
        var a = device.Accelerator;
        _featureOnDevice = new DeviceArray<int>(a, 64 * maxDepth);
        _loOnDevice = new DeviceArray<float>(a, 64 * maxDepth);
        _hiOnDevice = new DeviceArray<float>(a, 64 * maxDepth);
        _leavesOnDevice = new DeviceArray<float>(a, 64L * _leaves.Length);
    }

    public int Count { get; private set; }

    /// <summary>Uploads one tree.</summary>
    public void Add(ObliviousTreeDraft draft)
    {
        for (var d = 0; d < _maxDepth; d++)
        {
            var test = d < draft.Depth ? draft.Levels[d] : SplitTest.Never;
            _feature[d] = test.Feature;
            _lo[d] = test.Lo;
            _hi[d] = test.Hi;
        }
        Array.Clear(_leaves);
        var used = 1 << draft.Depth;
        var leafCount = 1 << _maxDepth;
        for (var k = 0; k < _outputs; k++)
            draft.Leaves.AsSpan(k * used, used).CopyTo(_leaves.AsSpan(k * leafCount));
        _featureOnDevice.Append(_feature);
        _loOnDevice.Append(_lo);
        _hiOnDevice.Append(_hi);
        _leavesOnDevice.Append(_leaves);
        Count++;
    }

    public void Accumulate(ArrayView<float> features, int sampleCount, int featureCount, int firstTree, int endTree, ArrayView<float> outputs)
    {
        if (firstTree >= endTree)
            return;
        var p = new PredictShape(sampleCount, featureCount, _outputs, firstTree, endTree, _maxDepth);
        _device.Kernels.PredictOblivious(sampleCount * PredictionKernels.BlocksPerSample(_outputs), features, _featureOnDevice.View, _loOnDevice.View, _hiOnDevice.View,
            _leavesOnDevice.View, outputs, p);
    }

    public void Dispose()
    {
        _featureOnDevice.Dispose();
        _loOnDevice.Dispose();
        _hiOnDevice.Dispose();
        _leavesOnDevice.Dispose();
    }
}

/// <summary>Greedy trees: node arrays of all trees concatenated, with per-tree node and leaf starts.</summary>
internal sealed class DeviceGreedyTrees : IDeviceTreeStore
{
    private readonly GpuDevice _device;
    private readonly int _outputs;
    private readonly DeviceArray<int> _nodeStart;
    private readonly DeviceArray<int> _leafStart;
    private readonly DeviceArray<int> _feature;
    private readonly DeviceArray<float> _lo;
    private readonly DeviceArray<float> _hi;
    private readonly DeviceArray<int> _left;
    private readonly DeviceArray<int> _right;
    private readonly DeviceArray<float> _leaves;
    private int[] _ints = new int[16];
    private float[] _floats = new float[16];
    private int _nodes;
    private int _leafCount;

    public DeviceGreedyTrees(GpuDevice device, int outputCount)
    {
        _device = device;
        _outputs = outputCount;
        var a = device.Accelerator;
        _nodeStart = new DeviceArray<int>(a);
        _leafStart = new DeviceArray<int>(a);
        _feature = new DeviceArray<int>(a);
        _lo = new DeviceArray<float>(a);
        _hi = new DeviceArray<float>(a);
        _left = new DeviceArray<int>(a);
        _right = new DeviceArray<int>(a);
        _leaves = new DeviceArray<float>(a);
        _nodeStart.Append([0]);
        _leafStart.Append([0]);
    }

    public int Count { get; private set; }

    /// <summary>Uploads one tree.</summary>
    public void Add(GreedyTreeDraft draft)
    {
        var nodes = draft.NodeCount;
        if (_ints.Length < nodes || _floats.Length < Math.Max(nodes, draft.Leaves.Count))
        {
            _ints = new int[Math.Max(nodes, 2 * _ints.Length)];
            _floats = new float[Math.Max(Math.Max(nodes, draft.Leaves.Count), 2 * _floats.Length)];
        }
        var ints = _ints.AsSpan(0, nodes);
        var floats = _floats.AsSpan(0, nodes);
        for (var i = 0; i < nodes; i++)
            ints[i] = draft.Tests[i].Feature;
        _feature.Append(ints);
        for (var i = 0; i < nodes; i++)
            floats[i] = draft.Tests[i].Lo;
        _lo.Append(floats);
        for (var i = 0; i < nodes; i++)
            floats[i] = draft.Tests[i].Hi;
        _hi.Append(floats);
        draft.Left.CopyTo(_ints);
        _left.Append(ints);
        draft.Right.CopyTo(_ints);
        _right.Append(ints);
        draft.Leaves.CopyTo(_floats);
        _leaves.Append(_floats.AsSpan(0, draft.Leaves.Count));
        _nodes += nodes;
        _leafCount += draft.Leaves.Count / _outputs;
        _nodeStart.Append([_nodes]);
        _leafStart.Append([_leafCount]);
        Count++;
    }

    public void Accumulate(ArrayView<float> features, int sampleCount, int featureCount, int firstTree, int endTree, ArrayView<float> outputs)
    {
        if (firstTree >= endTree)
            return;
        var p = new PredictShape(sampleCount, featureCount, _outputs, firstTree, endTree, 0);
        _device.Kernels.PredictGreedy(sampleCount * PredictionKernels.BlocksPerSample(_outputs), features, _nodeStart.View, _leafStart.View, _feature.View, _lo.View, _hi.View,
            _left.View, _right.View, _leaves.View, outputs, p);
    }

    public void Dispose()
    {
        _nodeStart.Dispose();
        _leafStart.Dispose();
        _feature.Dispose();
        _lo.Dispose();
        _hi.Dispose();
        _left.Dispose();
        _right.Dispose();
        _leaves.Dispose();
    }
}
