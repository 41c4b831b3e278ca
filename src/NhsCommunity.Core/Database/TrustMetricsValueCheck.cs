using System.Globalization;
using System.Text;
using System.Text.Json;
using NhsCommunity.Documents;

namespace NhsCommunity.Database;

/// <summary>
/// Finds, before a month's transaction, the documents whose values trust_metrics cannot store: a NUL
/// character or broken UTF-16 in a text value, a trust code that is not upper-case or is longer than the
/// column, a trust name longer than the column (when rows are inserted), a document that is not one JSON
/// object. PostgreSQL would refuse such a value and with it the whole month; here only that trust is
/// reported (<see cref="TrustMetricsWriteStatus.Rejected"/>) and the rest of the month is written.
/// </summary>
internal sealed class TrustMetricsValueCheck
{
    // Strict: a lone surrogate is an error here rather than a '?' in the database or a failure in the driver.
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonReaderOptions Reading = new() { MaxDepth = 256 };

    private readonly ColumnLimits _limits;
    private readonly bool _namesStored;

    /// <param name="limits">The columns' sizes from the catalog.</param>
    /// <param name="namesStored">Whether trust names are written (only rows inserted with -AddMissingRows store one).</param>
    public TrustMetricsValueCheck(ColumnLimits limits, bool namesStored)
    {
        _limits = limits;
        _namesStored = namesStored;
    }

    /// <summary>The documents that can be written, and a Rejected result in the place of each of the others.</summary>
    public MonthSplit Split(IReadOnlyList<CommunityDocument> documents, DateTime month, Guid runId)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var writable = new List<CommunityDocument>(documents.Count);
        var slots = new TrustMetricsWriteResult?[documents.Count];
        for (int i = 0; i < documents.Count; i++)
        {
            string? problem = Problem(documents[i]);
            if (problem is null)
            {
                writable.Add(documents[i]);
            }
            else
            {
                slots[i] = new TrustMetricsWriteResult(Printable(documents[i].TrustCode), Month.Of(month), TrustMetricsWriteStatus.Rejected,
                    $"{problem}. Nothing was written for this trust in {month.ToString("yyyy-MM", CultureInfo.InvariantCulture)}; correct the input and run again.", runId);
            }
        }

        return new MonthSplit(writable, slots);
    }

    /// <summary>A month's documents after the check: those to write, and the rejected results in their places.</summary>
    internal sealed class MonthSplit(List<CommunityDocument> writable, TrustMetricsWriteResult?[] slots)
    {
        public List<CommunityDocument> Writable { get; } = writable;

        public IReadOnlyList<TrustMetricsWriteResult> Rejected { get; } = slots.OfType<TrustMetricsWriteResult>().ToList();

        /// <summary>One result per document, in the input's order: <paramref name="written"/> (one per writable document, in order) and the rejected.</summary>
        public List<TrustMetricsWriteResult> Merge(IEnumerable<TrustMetricsWriteResult> written)
        {
            using IEnumerator<TrustMetricsWriteResult> next = written.GetEnumerator();
            return slots.Select(slot => slot ?? (next.MoveNext() ? next.Current : throw new InvalidOperationException("Fewer results than documents to write."))).ToList();
        }
    }

    /// <summary>Why the document cannot be stored, or null when it can.</summary>
    public string? Problem(CommunityDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        string code = document.TrustCode ?? "";
        if (TextProblem(code) is { } codeProblem)
        {
            return "The trust code " + codeProblem;
        }

        if (code.Length == 0 || !code.Equals(code.ToUpperInvariant(), StringComparison.Ordinal) || code.Trim().Length != code.Length)
        {
            return $"The trust code '{code}' is not an upper-case code without spaces (as 'RX1')";
        }

        if (TooLong(code, _limits.TrustCode) is { } codeLength)
        {
            return $"The trust code '{code}' has {codeLength} characters; trust_metrics.trust_code holds at most {_limits.TrustCode}";
        }

        if (_namesStored && document.TrustName is { Length: > 0 } name)
        {
            if (TextProblem(name) is { } nameProblem)
            {
                return "The trust name " + nameProblem;
            }

            if (TooLong(name, _limits.TrustName) is { } nameLength)
            {
                return $"The trust name has {nameLength} characters; trust_metrics.trust_name holds at most {_limits.TrustName}";
            }
        }

        return DocumentProblem(document.Json ?? "");
    }

    /// <summary>Why PostgreSQL text cannot hold the value: a NUL character, or UTF-16 that is not text.</summary>
    private static string? TextProblem(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            return "contains a NUL character (U+0000), which PostgreSQL text cannot hold";
        }

        try
        {
            _ = Strict.GetByteCount(value);
            return null;
        }
        catch (EncoderFallbackException)
        {
            return "contains a broken character (an unpaired UTF-16 surrogate)";
        }
    }

    /// <summary>The length in characters as PostgreSQL counts them (code points) when over the limit, else null.</summary>
    private static int? TooLong(string value, int? limit)
    {
        if (limit is not { } most || value.Length <= most)
        {
            return null;
        }

        int characters = value.EnumerateRunes().Count();
        return characters > most ? characters : null;
    }

    /// <summary>Why jsonb would refuse the text, or take it as something other than one object.</summary>
    private static string? DocumentProblem(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "The document is empty, not a JSON object";
        }

        byte[] utf8;
        try
        {
            utf8 = Strict.GetBytes(json);
        }
        catch (EncoderFallbackException)
        {
            return "The document contains a broken character (an unpaired UTF-16 surrogate)";
        }

        var reader = new Utf8JsonReader(utf8, Reading);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return $"The document is a JSON {Kind(reader.TokenType)}, not a JSON object";
            }

            while (reader.Read())
            {
                // jsonb refuses \u0000 and unpaired surrogates in strings and keys; only escaped text can hold them.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped
                    && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    return $"The document has a \\u0000 (NUL) in a string at byte {reader.TokenStartIndex}, which jsonb cannot hold";
                }
            }

            return null;
        }
        catch (JsonException e)
        {
            return $"The document is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
        }
        catch (InvalidOperationException)
        {
            return "The document has an escaped unpaired UTF-16 surrogate in a string, which jsonb cannot hold";
        }
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        _ => "null",
    };

    /// <summary>The code as a result can carry it: control characters shown as \uXXXX, so a NUL does not cut the line short.</summary>
    private static string Printable(string? code) =>
        string.Concat((code ?? "").Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
