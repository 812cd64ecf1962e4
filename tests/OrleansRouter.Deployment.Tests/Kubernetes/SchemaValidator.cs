using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>
/// tests/tools/k8s-validate: YAML documents on stdin, each checked against the Kubernetes API schema of its
/// apiVersion and kind (types, required fields, enums, unknown fields); the documents as a JSON array on stdout.
/// </summary>
public static class SchemaValidator
{
    public static string ToolDirectory => Path.Combine(RouterProcess.RepositoryRoot(), "tests", "tools", "k8s-validate");

    public static async Task<CommandResult> ValidateAsync(string yaml)
    {
        var node = Tools.Find("node", Tools.NodeHint);
        if (!System.IO.Directory.Exists(Path.Combine(ToolDirectory, "node_modules", "kubernetes-models")))
        {
            throw new InvalidOperationException("the schema validator's packages are not installed: run `npm ci --prefix tests/tools/k8s-validate`.");
        }

        return await Tools.RunAsync(node, [Path.Combine(ToolDirectory, "validate.mjs")], yaml);
    }
}
