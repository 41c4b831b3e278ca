namespace NhsCommunity.Catalogue;

/// <summary>One published service column: its header text (without the category prefix) and JSON key.</summary>
/// <param name="NationalOnly">Published at national level only, so provider rows are always blank.</param>
public sealed record ServiceDefinition(ServiceCategory Category, string Name, string Key, bool NationalOnly = false)
{
    /// <summary>The header text as the workbook prints it: "(A) Audiology", "(CYP) Audiology".</summary>
    public string HeaderText => (Category == ServiceCategory.Adult ? "(A) " : "(CYP) ") + Name;
}
