namespace NhsCommunity.Mapping;

/// <summary>Where the trusts already in the database come from: PostgreSQL in use, a list in tests.</summary>
public interface ITrustDirectory
{
    Task<IReadOnlyList<KnownTrust>> GetTrustsAsync(CancellationToken cancellationToken);
}
