using System.Security.Cryptography;
using System.Text;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// The configuration as a deployment record: every setting that is not a secret, with its effective value
/// (defaults included); the persona map by the SHA-256 of its content; TLS certificates by their fingerprints (never
/// the key file); and each secret by its version only
/// (<c>SECRET_VERSION_&lt;KEY&gt;</c>, else <c>&lt;KEY&gt;_ROTATED_AT</c>), never its value. Audit keys (build, image,
/// people) describe a deployment rather than configure it and are left out, so two deployments of the same
/// configuration have the same hash.
/// </summary>
public sealed class ConfigManifest
{
    private readonly SortedDictionary<string, string> _entries;
    private readonly Dictionary<string, string> _secretFingerprints;

    private ConfigManifest(SortedDictionary<string, string> entries, Dictionary<string, string> secretFingerprints)
    {
        _entries = entries;
        _secretFingerprints = secretFingerprints;
        Hash = "sha256:" + Sha256(string.Join("\n", entries.Select(e => $"{e.Key}={e.Value}")));
    }

    public string Hash { get; }

    /// <summary>Setting → value, or for a secret → its version.</summary>
    public IReadOnlyDictionary<string, string> Entries => _entries;

    /// <param name="agentTokenKeys">The keys the persona map's <c>token_env</c> names (<c>A2A_TOKEN_*</c>): secrets.</param>
    /// <param name="fileFingerprints">Files named by a setting, by their fingerprint (a certificate's SHA-256), never their content.</param>
    public static ConfigManifest From(ConfigLayers layers, string? personaMapText, IEnumerable<string> agentTokenKeys, IReadOnlyDictionary<string, string>? fileFingerprints = null)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in ConfigKeys.All.Where(k => !k.IsFamily && !k.Secret && !k.Audit))
        {
            if (layers[key.Name] is { } value)
            {
                entries[key.Name] = value;
            }
        }

        var secrets = layers.ExplicitNames.Where(n => ConfigKeys.Find(n) is { Secret: true }).Concat(agentTokenKeys.Where(n => layers.Explicit(n) is not null));
        foreach (var name in secrets.Distinct(StringComparer.Ordinal))
        {
            entries[name] = "version " + (layers[ConfigKeys.SecretVersionPrefix + name] ?? layers[name + ConfigKeys.RotatedAtSuffix] ?? "unrecorded");
            fingerprints[name] = Sha256(layers[name]!);
        }

        if (personaMapText is not null)
        {
            entries[ConfigKeys.PersonaMapFile + " content"] = "sha256:" + Sha256(personaMapText);
        }

        foreach (var (name, fingerprint) in fileFingerprints ?? new Dictionary<string, string>())
        {
            entries[name] = fingerprint;
        }

        return new ConfigManifest(entries, fingerprints);
    }

    /// <summary>What changed from <paramref name="before"/> to this manifest; a secret shows only as changed or not.</summary>
    public ConfigDiff DiffFrom(ConfigManifest before)
    {
        var keys = _entries.Keys.Union(before._entries.Keys).Order(StringComparer.Ordinal).ToList();
        var changes = new List<ConfigChange>();
        foreach (var key in keys)
        {
            var secret = _secretFingerprints.ContainsKey(key) || before._secretFingerprints.ContainsKey(key);
            var had = before._entries.TryGetValue(key, out var old);
            var has = _entries.TryGetValue(key, out var now);
            var change = (had, has) switch
            {
                (false, true) => new ConfigChange(key, "added", null, secret ? null : now, Counted(key)),
                (true, false) => new ConfigChange(key, "removed", secret ? null : old, null, Counted(key)),
                _ when secret && (old != now || _secretFingerprints[key] != before._secretFingerprints[key]) => new ConfigChange(key, "changed", null, null, Counted(key)),
                _ when !secret && old != now => new ConfigChange(key, "changed", old, now, Counted(key)),
                _ => null,
            };
            if (change is not null)
            {
                changes.Add(change);
            }
        }

        return new ConfigDiff(changes, keys.Count(Counted));
    }

    private static bool Counted(string key) => ConfigKeys.Find(key) is not { PerEnvironment: true };

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <param name="Before">The old value; null for secrets, which show only as changed.</param>
/// <param name="Counted">False for a key that names the environment (ROUTER_ENV, ORLEANS_CLUSTER_ID): shown, not counted.</param>
public sealed record ConfigChange(string Key, string Kind, string? Before, string? After, bool Counted = true);

/// <param name="Keys">The counted keys of both manifests together, which the share is a share of.</param>
public sealed record ConfigDiff(IReadOnlyList<ConfigChange> Changes, int Keys)
{
    public int Counted => Changes.Count(c => c.Counted);

    /// <summary>The share of counted keys added, removed or changed, from 0 to 1.</summary>
    public double Share => Keys == 0 ? 0 : (double)Counted / Keys;
}
