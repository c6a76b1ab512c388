namespace RoamingGrpc.Domain.Identifiers;

/// <summary>The kind of global identifier (IEC 63119-2, 5.5) that a parse was asked for.</summary>
public enum IdentifierKind
{
    /// <summary>ISO 3166-1 alpha-2 country code, e.g. <c>DE</c>.</summary>
    Country = 1,

    /// <summary>Charging station operator id, e.g. <c>DE*ABC</c>.</summary>
    Operator = 2,

    /// <summary>Charging service provider id, e.g. <c>DE-8EO</c>.</summary>
    Provider = 3,

    /// <summary>EVSE id, e.g. <c>DE*ABC*E123456*1</c>.</summary>
    Evse = 4,

    /// <summary>Contract id (EMAID), e.g. <c>DE-8AA-CA2B3C4D5-L</c>.</summary>
    Contract = 5,
}
