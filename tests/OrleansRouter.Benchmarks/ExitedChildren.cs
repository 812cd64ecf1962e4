using System.Globalization;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// The processor time of this process's children that have exited and been waited for: what a silo used, shutdown
/// included, once it is gone and its own figures with it.
/// </summary>
public static class ExitedChildren
{
    /// <summary>Linux reports times in /proc in units of USER_HZ, which is 100 on every architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    public static TimeSpan ProcessorTime()
    {
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are numbers, from field 3.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int number) => double.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((Field(16) + Field(17)) / TicksPerSecond);
    }
}
