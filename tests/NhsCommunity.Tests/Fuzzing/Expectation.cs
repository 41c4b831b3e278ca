namespace NhsCommunity.Tests.Fuzzing;

/// <summary>What the importer may do with a damaged file. Any error must be a WorkbookFormatException naming the file.</summary>
internal enum Expectation
{
    /// <summary>The damage cannot change what the file means (sheets reordered, a harmless number format): the same records.</summary>
    ReadEqual,

    /// <summary>Nothing exact can be read (a cut part, a count formatted as a date): an error.</summary>
    Refuse,

    /// <summary>Either an error, or the same records: never different data without an error.</summary>
    RefuseOrReadEqual,
}
