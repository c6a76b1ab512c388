using System.Text.Json.Serialization;

namespace RoamingGrpc.Bench;

/// <summary>Source-generated JSON for the request-per-change baseline.</summary>
[JsonSerializable(typeof(StatusChange))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
