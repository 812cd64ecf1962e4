using System.Reflection;

namespace OrleansRouter.Host.Cli;

/// <summary>
/// The SHA-256 of the lock files of the shipped projects (src/ and grains/), taken when the router was built
/// (LockHash.targets): the runbook's lock checksum. From a checkout, the same figure:
/// <c>LC_ALL=C sha256sum grains/*/packages.lock.json src/*/packages.lock.json | sha256sum</c>.
/// </summary>
public static class LockHash
{
    public static string Value { get; } =
        typeof(LockHash).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "LockFilesSha256")?.Value ?? "unknown";

    public static int Print()
    {
        Console.WriteLine(Value);
        return ExitCodes.Ok;
    }
}
