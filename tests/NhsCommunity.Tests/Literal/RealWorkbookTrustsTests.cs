using NhsCommunity.Documents;
using NhsCommunity.Tests.Fixtures;
using NhsCommunity.Tests.Infrastructure;
using NhsCommunity.Workbooks;

namespace NhsCommunity.Tests.Literal;

/// <summary>
/// Which providers of each real workbook are NHS trusts, written out by hand: the providers of Table 4 were read
/// from the sheet XML and sorted by their names (an NHS trust's name says "NHS TRUST" or "NHS FOUNDATION TRUST";
/// the others are community interest companies, companies and partnerships), then checked by eye. The module's
/// own rule (TrustCodes) decides from the code alone; here its result is held to this list.
/// </summary>
[Trait("Category", "RealData")]
public sealed class RealWorkbookTrustsTests
{
    private static readonly Dictionary<string, (string NhsTrusts, string Others)> Providers = new()
    {
        ["2024-25-August"] = (
            NhsTrusts: """
            R0A R0B R0D R1A R1C R1D R1H R1K R1L RA2 RA9 RAE RAJ RAL RAP RAT RBD RBK RBL RBN RBQ RBS RBT RCB RCD
            RCF RCU RDE RDR RDU RDY REF RFF RFR RFS RGP RGR RH5 RH8 RHA RHQ RJ2 RJ6 RJ7 RJ8 RJC RJE RJL RJN RJR
            RK5 RK9 RKE RKL RL4 RLQ RM3 RMC RMP RN3 RNA RNN RP1 RP5 RPA RPG RQX RR7 RRE RRF RRK RT1 RT5 RTD RTF
            RTH RTQ RTR RTX RV3 RV9 RVR RVV RVW RW1 RW4 RW5 RWA RWD RWH RWJ RWK RWX RWY RX1 RXA RXC RXE RXF RXG
            RXK RXL RXM RXP RXQ RXR RY2 RY3 RY4 RY5 RY6 RY7 RY8 RY9 RYG RYJ RYK RYR RYV RYW RYX RYY TAD TAH TAJ
            """,
            Others: """
            AJX AXG NAX NAY NDA NDJ NDL NEC NL3 NL8 NLX NMG NMK NNF NNV NQ7 NQA NQH NQV NR3 NR5 NTV NWX NYE
            """),
        ["2024-25-December"] = (
            NhsTrusts: """
            R0A R0B R0D R1A R1D R1H R1K R1L RA2 RA9 RAE RAJ RAL RAP RAT RAX RBD RBK RBL RBN RBQ RBS RBT RCB RCD
            RCF RCU RDE RDR RDU RDY REF RFF RFR RFS RGP RGR RH5 RH8 RHA RHQ RJ2 RJ6 RJ7 RJ8 RJC RJE RJL RJN RJR
            RK5 RK9 RKB RKE RKL RL4 RLQ RM3 RMC RMP RN3 RNA RNN RP1 RP5 RPA RPG RQX RR7 RRE RRF RRK RT1 RT5 RTD
            RTF RTH RTQ RTR RTX RV3 RV9 RVR RVV RVW RW1 RW4 RW5 RWA RWD RWH RWJ RWK RWX RWY RX1 RXA RXC RXE RXF
            RXG RXK RXL RXM RXP RXQ RXR RY2 RY3 RY4 RY5 RY6 RY7 RY8 RYG RYJ RYR RYV RYW RYX RYY TAD TAH TAJ
            """,
            Others: """
            AXG NAX NAY NDA NDJ NDL NEC NL3 NL8 NLX NMG NMK NNF NNV NQA NQH NQV NR3 NR5 NTV NYE
            """),
        ["2024-25-January"] = (
            NhsTrusts: """
            R0A R0B R0D R1A R1D R1H R1K R1L RA2 RA9 RAE RAJ RAL RAT RAX RBD RBK RBL RBN RBQ RBS RBT RCB RCD RCF
            RCU RDE RDR RDU RDY REF RFF RFR RFS RGP RGR RH5 RH8 RHA RHQ RJ2 RJ6 RJ7 RJ8 RJC RJE RJL RJN RJR RK5
            RK9 RKB RKE RKL RL4 RLQ RM3 RMC RMP RN3 RNA RNN RP1 RP5 RPA RPG RQX RR7 RRE RRF RRK RT1 RT5 RTD RTF
            RTH RTQ RTR RTX RV3 RV9 RVR RVV RVW RW1 RW4 RW5 RWA RWD RWH RWJ RWK RWX RWY RX1 RXA RXC RXE RXF RXG
            RXK RXL RXM RXP RXQ RXR RY2 RY3 RY4 RY5 RY6 RY7 RY8 RYG RYJ RYR RYV RYW RYX RYY TAD TAH TAJ
            """,
            Others: """
            AXG NAX NAY NDA NDJ NDL NEC NL3 NL8 NLX NMG NMK NNF NNV NQA NQH NQV NR3 NR5 NTV NYE
            """),
        ["2025-26-July"] = (
            NhsTrusts: """
            R0A R0B R0D R1A R1D R1H R1K R1L RA2 RA9 RAE RAJ RAL RAT RAX RBD RBK RBL RBN RBQ RBS RBT RCB RCD RCF
            RCU RDE RDR RDU RDY REF RFF RFR RFS RGP RGR RH5 RH8 RHA RHQ RJ1 RJ2 RJ6 RJ7 RJ8 RJC RJE RJL RJN RJR
            RK5 RK9 RKB RKE RKL RL4 RLQ RM3 RMC RMP RNA RNN RNU RP1 RP5 RPA RPG RQX RR7 RRE RRF RRK RT1 RT5 RTD
            RTE RTF RTH RTQ RTR RTX RV3 RV9 RVR RVV RVW RW1 RW4 RW5 RWD RWH RWJ RWK RWX RWY RX1 RXC RXE RXF RXG
            RXK RXL RXM RXP RXQ RXR RY2 RY3 RY4 RY5 RY6 RY7 RY8 RYG RYJ RYR RYV RYW RYX RYY TAD TAH TAJ
            """,
            Others: """
            NAX NAY NDA NDJ NDL NEC NL3 NL8 NLX NMG NMK NNF NNV NQ7 NQA NQH NQV NR3 NR5 NTV NYE
            """),
    };

    public static TheoryData<string> Months => new(Providers.Keys);

    private static string[] Codes(string text) => text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    [SkippableTheory]
    [MemberData(nameof(Months))]
    public void The_documents_are_exactly_the_NHS_trusts_of_the_workbook(string month)
    {
        Skip.IfNot(RepositoryPaths.HasRealWorkbooks, RepositoryPaths.NoSharedReason);
        var (nhsTrusts, others) = Providers[month];
        string path = RepositoryPaths.RealWorkbook(month);

        // The list itself is the workbook's providers, read here with ExcelDataReader: none missed, none invented.
        var sheet = ExcelCells.Read(path).Single(s => s.Name == "Table 4").Rows;
        string[] providers = sheet.Skip(ExcelCells.HeaderRow(sheet) + 1)
            .Where(r => r.At(0) is string type && type.Trim() == "Provider")
            .Select(r => ((string)r.At(1)!).Trim())
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(providers, Codes(nhsTrusts).Concat(Codes(others)).Order(StringComparer.Ordinal).ToArray());

        WorkbookContent content = new WorkbookImporter().Read(path);
        CommunityDocumentBatch batch = CommunityDocumentBuilder.Build(content.Records);
        Assert.Equal(Codes(nhsTrusts), batch.Documents.Select(d => d.TrustCode));
    }
}
