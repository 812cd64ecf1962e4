namespace OrleansRouter.Host.Health;

/// <summary>
/// The health of one outside part (Telegram, one agent) from its probes: <c>ready</c> once a probe passed and while
/// at most one in a row failed since; <c>degraded</c> after two failures in a row; <c>failed</c> while it never passed.
/// </summary>
public sealed record ComponentHealth(string Status, string Detail, int FailuresInARow, bool EverReady, DateTimeOffset? CheckedAt)
{
    public const string Ready = "ready";
    public const string Degraded = "degraded";
    public const string Failed = "failed";

    public static ComponentHealth Unknown { get; } = new(Failed, "not probed yet", 0, false, null);

    public bool IsReady => Status == Ready;

    public ComponentHealth After(bool passed, string detail, DateTimeOffset at)
    {
        if (passed)
        {
            return new ComponentHealth(Ready, detail, 0, true, at);
        }

        var failures = FailuresInARow + 1;
        var status = !EverReady ? Failed : failures >= 2 ? Degraded : Ready;
        return new ComponentHealth(status, detail, failures, EverReady, at);
    }

    /// <summary>The worse of two: failed, then degraded, then ready.</summary>
    public static string Worst(IEnumerable<string> statuses) =>
        statuses.OrderByDescending(s => s switch { Failed => 2, Degraded => 1, _ => 0 }).FirstOrDefault() ?? Ready;
}
