namespace OrleansRouter.Grains.Personas;

/// <summary>A persona's counted messages, in window steps, in total and per chat.</summary>
[GenerateSerializer, Alias("persona-state")]
public sealed record PersonaState
{
    /// <summary>The step length the buckets were counted in; counts in another step length are dropped.</summary>
    [Id(0)] public long StepTicks { get; set; }

    [Id(1)] public List<RateBucket> Total { get; init; } = [];

    [Id(2)] public Dictionary<long, List<RateBucket>> PerChat { get; init; } = [];
}

/// <summary>Messages counted in one step of the window.</summary>
[GenerateSerializer, Alias("rate-bucket")]
public sealed record RateBucket
{
    [Id(0)] public long Step { get; init; }

    [Id(1)] public int Count { get; set; }
}
