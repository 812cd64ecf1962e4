using System.Text.RegularExpressions;

namespace OrleansRouter.Grains.Storage;

/// <summary>
/// Tells a state write that the storage server refused from one whose outcome is unknown. Redis answers a write it
/// will not run with an error reply: NOREPLICAS while no replica follows the primary (min-replicas-to-write),
/// READONLY from a primary the Sentinels demoted, MASTERDOWN, LOADING, OOM. Nothing was stored then, so memory and
/// storage still agree. A timeout or a broken connection may have stored the write, or not.
/// </summary>
/// <remarks>Orleans' Redis provider keeps only the text of the client's exception, so the reply is read from the messages.</remarks>
internal static partial class WriteRefusal
{
    public static bool StoredNothing(Exception failure)
    {
        for (var exception = failure; exception is not null; exception = exception.InnerException)
        {
            if (Refused().IsMatch(exception.Message))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"RedisServerException: (NOREPLICAS|READONLY|MASTERDOWN|LOADING|OOM) ")]
    private static partial Regex Refused();
}
