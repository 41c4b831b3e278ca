namespace NhsCommunity.Database;

/// <summary>
/// The one place that takes secrets out of text that leaves the core: every occurrence of the password
/// (from the connection string, a credential or PGPASSWORD) and of the whole connection string becomes
/// "***", in messages and in every exception of a chain. Drivers are not meant to put these in their
/// messages, but a server echoes what it was sent (a user name that is also the password, a value in a
/// failed statement), so nothing is trusted to be clean.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);

        // Longest first, so a secret that contains another is masked whole.
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length).ToArray();
    }

    /// <summary>A redactor that knows no secret: leaves text as it is.</summary>
    public static SecretRedactor None { get; } = new([]);

    public string Redact(string? text)
    {
        string result = text ?? "";
        foreach (string secret in _secrets)
        {
            result = result.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>
    /// The exception itself when no message in its chain holds a secret (so callers can still look at its
    /// type and SQL state); otherwise a <see cref="RedactedException"/> chain with the same shape and
    /// masked messages.
    /// </summary>
    public Exception Redact(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Contains(exception) ? Rebuild(exception) : exception;
    }

    private bool Contains(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (_secrets.Any(s => e.Message.Contains(s, StringComparison.Ordinal))
                || (e is AggregateException all && all.InnerExceptions.Any(Contains)))
            {
                return true;
            }
        }

        return false;
    }

    private RedactedException Rebuild(Exception exception) =>
        new(Redact(exception.Message), exception.GetType().Name, exception.InnerException is null ? null : Rebuild(exception.InnerException));
}
