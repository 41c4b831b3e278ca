using NhsCommunity.Workbooks.Checks;

namespace NhsCommunity.Tests.Checks;

[Trait("Category", "Unit")]
public class WorkbookFileNameTests
{
    [Theory]
    [InlineData("Community-health-services-waiting-lists-2024-25-August.xlsx", 2024, 8)]
    [InlineData("Community-health-services-waiting-lists-2024-25-January.xlsx", 2025, 1)]
    [InlineData("Community-health-services-waiting-lists-2024-25-March.xlsx", 2025, 3)]
    [InlineData("Community-health-services-waiting-lists-2025-26-April.xlsx", 2025, 4)]
    [InlineData("community health services waiting lists 2024-25 december (1).xlsx", 2024, 12)]
    [InlineData("Community-health-services-waiting-lists-2024-25-Jan-revised.xls", 2025, 1)]
    public void Reads_the_month_from_financial_year_and_month_name(string name, int year, int month)
    {
        Assert.True(WorkbookFileName.TryParse(name, out DateTime period));
        Assert.Equal(new DateTime(year, month, 1), period);
    }

    [Theory]
    [InlineData("chs-august.xlsx")]
    [InlineData("Community-health-services-waiting-lists-2024-26-August.xlsx")]
    [InlineData("Community-health-services-waiting-lists-2024-25-Augustus.xlsx")]
    public void Does_not_guess_from_names_outside_the_pattern(string name) => Assert.False(WorkbookFileName.TryParse(name, out _));

    [Fact]
    public void Formatting_and_parsing_agree_for_every_month_of_a_decade()
    {
        for (var month = new DateTime(2016, 1, 1); month < new DateTime(2026, 1, 1); month = month.AddMonths(1))
        {
            Assert.True(WorkbookFileName.TryParse(WorkbookFileName.For(month), out DateTime parsed));
            Assert.Equal(month, parsed);
        }
    }
}
