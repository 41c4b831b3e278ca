using NhsCommunity.Catalogue;

namespace NhsCommunity.Tests;

[Trait("Category", "Unit")]
public class ServiceCatalogueTests
{
    [Fact]
    public void Every_service_matches_its_header_as_printed_and_with_small_spacing_and_case_drift()
    {
        Assert.Equal(47, ServiceCatalogue.All.Count);
        foreach (ServiceDefinition service in ServiceCatalogue.All)
        {
            Assert.StartsWith(service.Category == ServiceCategory.Adult ? "(A) " : "(CYP) ", service.HeaderText, StringComparison.Ordinal);
            Assert.True(ServiceCatalogue.TryMatch(service.HeaderText, out ServiceDefinition exact));
            Assert.Same(service, exact);
            string drifted = service.HeaderText.ToUpperInvariant().Replace("/ ", "/", StringComparison.Ordinal).Replace(" ", "  ", StringComparison.Ordinal);
            Assert.True(ServiceCatalogue.TryMatch(drifted, out ServiceDefinition loose), drifted);
            Assert.Same(service, loose);
        }
    }

    [Fact]
    public void Adult_and_children_services_with_the_same_name_stay_apart()
    {
        Assert.True(ServiceCatalogue.TryMatch("(A) Audiology", out ServiceDefinition adult));
        Assert.True(ServiceCatalogue.TryMatch("(CYP) Audiology", out ServiceDefinition children));
        Assert.Equal(ServiceCategory.Adult, adult.Category);
        Assert.Equal(ServiceCategory.CYP, children.Category);
        Assert.Equal(adult.Key, children.Key);
    }

    [Fact]
    public void An_unknown_header_keeps_its_category_and_gets_a_derived_key()
    {
        Assert.False(ServiceCatalogue.TryMatch("(CYP) Pain management (chronic)", out _));
        ServiceDefinition derived = ServiceCatalogue.Derive("(CYP) Pain management (chronic)");
        Assert.Equal(ServiceCategory.CYP, derived.Category);
        Assert.Equal("pain_management_chronic", derived.Key);
        Assert.Equal(3, ServiceCatalogue.All.Count(s => s.NationalOnly));
    }
}
