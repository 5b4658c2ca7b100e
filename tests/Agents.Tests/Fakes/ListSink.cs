using RLFramework.Agents.Logging;

namespace RLFramework.Agents.Tests.Fakes;

/// <summary>A metrics sink that keeps every record in a list.</summary>
internal sealed class ListSink(List<MetricRecord> records) : IMetricSink
{
    public void Write(MetricRecord record) => records.Add(record);

    public void Dispose()
    {
    }
}
