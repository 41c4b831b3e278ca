namespace NhsCommunity.HelpBuilder;

/// <summary>
/// Type names as a reader of help expects them: DateTime rather than Nullable`1[DateTime], String[] for an
/// array; short names in the syntax, full names where the type is named for scripts (INPUTS, OUTPUTS).
/// </summary>
public static class TypeNames
{
    /// <summary>The type with Nullable and arrays taken off: what one value of the parameter is.</summary>
    public static Type ElementType(Type type)
    {
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain.IsArray ? ElementType(plain.GetElementType()!) : plain;
    }

    /// <summary>"DateTime", "String[]", "CommunityRecord[]": Nullable removed, arrays kept.</summary>
    public static string ShortName(Type type)
    {
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain.IsArray ? ShortName(plain.GetElementType()!) + "[]" : plain.Name;
    }

    /// <summary>"System.DateTime", "System.String[]": Nullable removed, arrays kept, namespace included.</summary>
    public static string FullName(Type type)
    {
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain.IsArray ? FullName(plain.GetElementType()!) + "[]" : plain.FullName ?? plain.Name;
    }
}
