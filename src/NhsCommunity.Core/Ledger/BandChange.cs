namespace NhsCommunity.Ledger;

/// <summary>One figure a version changed: a band of a service, its value before and after (null: absent).</summary>
public sealed record BandChange(string Category, string Service, string Band, long? OldValue, long? NewValue)
{
    public override string ToString() => $"{Category}.{Service}.{Band}: {OldValue?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} -> {NewValue?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}";
}
