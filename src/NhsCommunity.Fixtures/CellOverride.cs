namespace NhsCommunity.Fixtures;

/// <summary>
/// Replaces one value cell of a Table 4 sheet with something else (text, a negative number, a blank), to
/// make the bad-input variants. The organisation is found by code ("" for National) and the service by
/// its header text or key.
/// </summary>
/// <param name="Value">A string, an int, a double or null (blank).</param>
public sealed record CellOverride(string Sheet, string OrganisationCode, string Service, object? Value)
{
    public static CellOverride NonNumeric(string sheet, string organisationCode, string service, string text = "n/a") =>
        new(sheet, organisationCode, service, text);

    public static CellOverride Negative(string sheet, string organisationCode, string service, int value = -3) =>
        new(sheet, organisationCode, service, value);
}
