namespace RLFramework.Cuda.Tests;

/// <summary>The growable device array under the tree stores: appends upload only the new values, growth keeps old ones.</summary>
[Collection(DeviceCollection.Name)]
public class DeviceArrayTests(TestDevice fixture)
{
    [Fact]
    public void Appends_past_the_capacity_keep_every_value()
    {
        using var array = new DeviceArray<float>(fixture.Device.Accelerator, capacity: 4);
        var expected = new List<float>();
        for (var round = 0; round < 5; round++)
        {
            var chunk = Enumerable.Range(0, 3 + round).Select(i => round * 100f + i).ToArray();
            array.Append(chunk);
            expected.AddRange(chunk);
        }
        Assert.Equal(expected.Count, array.Length);
        Assert.True(array.Capacity >= expected.Count);
        var actual = new float[expected.Count];
        array.Download(actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Upload_and_zero_replace_the_contents()
    {
        using var array = new DeviceArray<int>(fixture.Device.Accelerator, capacity: 2);
        array.Upload([1, 2, 3, 4, 5]);
        array.Zero(3);
        var actual = new int[3];
        array.Download(actual);
        Assert.Equal([0, 0, 0], actual);
        Assert.Equal(3, array.Length);
    }
}
