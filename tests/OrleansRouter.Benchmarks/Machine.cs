using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace OrleansRouter.Benchmarks;

/// <summary>What the figures were measured on, for the report beside them.</summary>
public static class Machine
{
    public static JsonObject Describe() => new()
    {
        ["cpu"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim(),
        ["cores"] = Environment.ProcessorCount,
        ["memory_gb"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 1),
        ["os"] = RuntimeInformation.OSDescription,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
    };
}
