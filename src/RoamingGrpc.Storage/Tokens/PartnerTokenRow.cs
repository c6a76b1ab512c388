namespace RoamingGrpc.Storage.Tokens;

/// <summary>A token of a partner CSP's list: its key (normalized uid, or uid hash in a hashed list) and the token as pushed.</summary>
public sealed record PartnerTokenRow(string Csp, long Type, string Uid, byte[] Payload);
