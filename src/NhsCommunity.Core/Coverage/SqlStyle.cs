namespace NhsCommunity.Coverage;

/// <summary>How a scope's values appear in SQL text.</summary>
public enum SqlStyle
{
    /// <summary>Npgsql parameters (@data_type, @from, ...): what the module runs.</summary>
    Parameters,

    /// <summary>Literal values: plain SQL a reader can paste into the Supabase SQL editor.</summary>
    Literals,
}
