namespace OrleansRouter.Grains.Ingress;

/// <summary>The quarantine in storage. Fields are only ever added, with a new <c>[Id]</c>.</summary>
[GenerateSerializer, Alias("quarantine-state")]
public sealed record QuarantineState
{
    /// <summary>The updates kept, oldest first; at most <see cref="QuarantineLimits.Entries"/>.</summary>
    [Id(0)] public List<QuarantinedUpdate> Entries { get; init; } = [];

    [Id(1)] public long Total { get; set; }

    [Id(2)] public long Dropped { get; set; }
}
