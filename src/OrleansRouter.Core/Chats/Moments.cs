namespace OrleansRouter.Chats;

/// <summary>Small sums over points in time that the pacer and the preview both make.</summary>
public static class Moments
{
    /// <summary>The latest of the given times: the moment every one of them allows.</summary>
    public static DateTimeOffset Latest(params ReadOnlySpan<DateTimeOffset> times)
    {
        var latest = times[0];
        foreach (var time in times)
        {
            latest = time > latest ? time : latest;
        }

        return latest;
    }
}
