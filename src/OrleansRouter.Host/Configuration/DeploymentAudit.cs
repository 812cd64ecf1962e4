namespace OrleansRouter.Host.Configuration;

/// <summary>What the <c>deploy.audit</c> event records about a deployment.</summary>
/// <param name="SecretVersions">From <c>SECRET_VERSION_*</c>: the vault version of each secret, by secret name.</param>
public sealed record DeploymentAudit(
    string BuildSha,
    string? ImageDigest,
    string? OperatorId,
    string? ApproverId,
    IReadOnlyDictionary<string, string> SecretVersions);
