using System.Text.Json.Serialization;
using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Storage;

/// <summary>Source-generated JSON for the few JSON-valued columns.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<PartnerUseCase>))]
[JsonSerializable(typeof(IReadOnlyCollection<string>))]
internal sealed partial class StorageJson : JsonSerializerContext;
