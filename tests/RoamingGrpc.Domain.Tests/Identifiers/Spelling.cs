namespace RoamingGrpc.Domain.Tests.Identifiers;

/// <summary>A valid identifier as a partner might write it, and the canonical form it must parse to.</summary>
internal sealed record Spelling(string Input, string Canonical);
