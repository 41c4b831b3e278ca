using NhsCommunity.Catalogue;

namespace NhsCommunity.Workbooks;

/// <summary>A service column the catalogue does not know: kept under a derived key, and reported where it was first seen.</summary>
public sealed record UnknownServiceHeader(string Header, string Sheet, string Cell, ServiceCategory Category, string Key);
