namespace RoamingGrpc.Domain.Pricing;

/// <summary>The components pricing a stretch of the session: energy, and charging or parking time.</summary>
internal readonly record struct SessionChoice(ComponentRef? Energy, ComponentRef? Time);
