namespace NhsCommunity.Tests.Coverage;

/// <summary>
/// The two expensive coverage databases, the real backfill and the bad documents, built once for every class that
/// reads them rather than once per class. The classes of a collection run one after another, so a test that
/// tampers with a document and puts it back (RealBackfillCoverageTests) is never seen by another class.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CoverageDatabases : ICollectionFixture<RealBackfillFixture>, ICollectionFixture<BadDocumentsFixture>
{
    public const string Name = "Coverage databases";
}
