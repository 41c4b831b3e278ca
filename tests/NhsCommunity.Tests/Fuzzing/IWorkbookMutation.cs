namespace NhsCommunity.Tests.Fuzzing;

/// <summary>One kind of damage. Everything it chooses comes from <c>random</c>, so a seed replays it exactly.</summary>
internal interface IWorkbookMutation
{
    /// <summary>A stable name: printed with each failure, and the value of NHSCOMMUNITY_FUZZ_MUTATION.</summary>
    string Name { get; }

    Damage Apply(FuzzSubject subject, Random random);
}
