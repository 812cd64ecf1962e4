namespace OrleansRouter.Host.Configuration;

/// <summary>The audit keys, which are never wrong: they describe a deployment, and the event records what they say.</summary>
public static class DeploymentAuditReader
{
    public static DeploymentAudit Read(ConfigValues values) => new(
        values[ConfigKeys.BuildSha] ?? "dev",
        values[ConfigKeys.ImageDigest],
        values[ConfigKeys.DeployOperatorId],
        values[ConfigKeys.DeployApproverId],
        values.Layers.ExplicitNames
            .Where(name => name.StartsWith(ConfigKeys.SecretVersionPrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToDictionary(name => name[ConfigKeys.SecretVersionPrefix.Length..], name => values[name]!));
}
