using System.Text.Json;

namespace RoamingGrpc.Storage;

/// <summary>
/// A list bound as one parameter: a JSON array read with <c>json_each</c>
/// (<c>WHERE evse_id IN (SELECT value FROM json_each(@ids))</c>), so a statement over a batch of any size is one
/// prepared statement rather than one per list length.
/// </summary>
internal static class SqlList
{
    public static string Of(IReadOnlyCollection<string> values) => JsonSerializer.Serialize(values, StorageJson.Default.IReadOnlyCollectionString);
}
