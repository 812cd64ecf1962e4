namespace OrleansRouter.Host.Configuration;

/// <summary>The key of the <c>chat_id_hash</c> the logs carry instead of chat ids: long enough to resist guessing outside local.</summary>
public static class ChatIdHashSaltReader
{
    public static string? Read(ConfigValues values)
    {
        var salt = values[ConfigKeys.ChatIdHashSalt];
        if (salt is null)
        {
            values.Report(ConfigKeys.ChatIdHashSalt, "is not set", "set a random secret of 16 or more characters, e.g. openssl rand -hex 16");
            return null;
        }

        if (salt.Length < 16 && !values.IsLocal)
        {
            values.Report(ConfigKeys.ChatIdHashSalt, "is shorter than 16 characters", "use a longer random secret, e.g. openssl rand -hex 16");
            return null;
        }

        return salt;
    }
}
