namespace NhsCommunity.HelpBuilder;

/// <summary>What the built cmdlet says about itself: the part of its help that must never be written by hand.</summary>
public sealed record CmdletFacts(
    string Name,
    string Verb,
    string Noun,
    IReadOnlyList<ParameterFacts> Parameters,
    IReadOnlyList<ParameterSetFacts> ParameterSets,
    IReadOnlyList<OutputFacts> Outputs);

/// <summary>One parameter as the engine binds it; <see cref="Sets"/> says how in each parameter set.</summary>
public sealed record ParameterFacts(
    string Name,
    Type Type,
    IReadOnlyList<string> Aliases,
    bool SupportsWildcards,
    IReadOnlyList<string> ValidValues,
    string DefaultValue,
    IReadOnlyList<ParameterUse> Sets)
{
    public bool IsSwitch => Type == typeof(System.Management.Automation.SwitchParameter);

    /// <summary>Mandatory only when it is mandatory in every set it belongs to.</summary>
    public bool Mandatory => Sets.All(s => s.Mandatory);

    public bool ByValue => Sets.Any(s => s.ByValue);

    public bool ByPropertyName => Sets.Any(s => s.ByPropertyName);

    /// <summary>The position, when the parameter has one (the same in every set here); null when named.</summary>
    public int? Position => Sets.Select(s => s.Position).FirstOrDefault(p => p is not null);
}

/// <summary>How a parameter binds in one parameter set.</summary>
public sealed record ParameterUse(string SetName, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>A parameter set: its name and the names of its parameters (common parameters left out).</summary>
public sealed record ParameterSetFacts(string Name, bool IsDefault, IReadOnlyList<string> ParameterNames);

/// <summary>An [OutputType] of the cmdlet and the parameter sets it is for (empty: all of them).</summary>
public sealed record OutputFacts(string TypeName, IReadOnlyList<string> ParameterSets);
