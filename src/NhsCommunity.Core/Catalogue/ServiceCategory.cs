namespace NhsCommunity.Catalogue;

/// <summary>Adult services are published as "(A) ...", children and young people's as "(CYP) ...".</summary>
public enum ServiceCategory
{
    Adult,
    CYP,
}
