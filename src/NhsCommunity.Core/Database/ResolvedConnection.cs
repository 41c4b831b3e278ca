using Npgsql;

namespace NhsCommunity.Database;

/// <summary>Resolved settings, how they secure the connection, and what must never be printed from them.</summary>
internal sealed record ResolvedConnection(NpgsqlConnectionStringBuilder Settings, TlsDecision Tls, SecretRedactor Redactor);
