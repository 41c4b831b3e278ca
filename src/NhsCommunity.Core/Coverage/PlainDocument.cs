namespace NhsCommunity.Coverage;

/// <summary>
/// The coverage figures of a plain document (see <see cref="PlainDocumentReader"/>): the values the coverage SQL's
/// service_totals and document_shapes give it, so the SQL can take them instead of reading the document itself.
/// </summary>
/// <param name="Metadata">The document's metadata object, as JSON text.</param>
public readonly record struct PlainDocument(
    int Services,
    long TotalWaiting,
    int ServicesWith52PlusWeeks,
    long Waiting52PlusWeeks,
    string Metadata);
