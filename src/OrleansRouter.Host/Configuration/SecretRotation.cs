using System.Globalization;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Every secret with a rotation policy carries its last rotation as <c>&lt;SECRET&gt;_ROTATED_AT</c> (an ISO date):
/// Telegram secrets and the log drain token every 90 days, agent tokens every 180. An error in staging and
/// production, a warning in local. An agent token is whatever its persona's <c>token_env</c> names.
/// </summary>
public static class SecretRotation
{
    public static void Check(ConfigValues values, IReadOnlyList<string> agentTokenKeys)
    {
        var strict = values.Environment is RouterEnvironment.Staging or RouterEnvironment.Production;
        var now = values.Now;
        var agentTokens = agentTokenKeys.Select(name => (Name: name, Days: ConfigKeys.AgentTokenRotationDays));
        var secrets = ConfigKeys.RotatedSecrets(values.Layers.ExplicitNames).Concat(agentTokens).DistinctBy(s => s.Name).OrderBy(s => s.Name, StringComparer.Ordinal);
        foreach (var (secret, days) in secrets)
        {
            var key = secret + ConfigKeys.RotatedAtSuffix;
            var value = values.Layers.Explicit(key);
            string? problem = null;
            if (value is null)
            {
                problem = $"is not set, so the {days}-day rotation of {secret} cannot be checked";
            }
            else if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var rotated))
            {
                problem = $"'{value}' is not an ISO date";
            }
            else if (rotated > now + TimeSpan.FromDays(1))
            {
                problem = $"{value} is in the future";
            }
            else if ((now - rotated).TotalDays > days)
            {
                problem = $"says {secret} was rotated {(int)(now - rotated).TotalDays} days ago; the policy is {days} days";
            }

            if (problem is null)
            {
                continue;
            }

            var hint = $"rotate {secret} and set {key} to the day it was done, e.g. {now:yyyy-MM-dd}";
            if (strict)
            {
                values.Report(key, problem, hint);
            }
            else
            {
                values.Warn(key, problem, hint);
            }
        }
    }
}
