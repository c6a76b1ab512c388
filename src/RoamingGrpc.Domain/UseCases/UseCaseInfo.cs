namespace RoamingGrpc.Domain.UseCases;

/// <summary>One IEC 63119-2 use case: its code (<c>UC3-2</c>) and title.</summary>
public sealed record UseCaseInfo(int Number, string Code, string Title);
