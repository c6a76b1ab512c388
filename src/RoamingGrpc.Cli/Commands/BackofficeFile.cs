using System.Text.Json;
using Google.Protobuf;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Commands;

/// <summary>
/// The records of a <c>roaming backoffice load</c> file: a JSON object with optional <c>"sites"</c> and
/// <c>"tariffs"</c> arrays in the contract's JSON mapping (see <c>src/RoamingGrpc.Cli/examples/sites.json</c>).
/// Anything else is a <see cref="BackofficeFileException"/> naming where the file is wrong; the records themselves are
/// checked by the endpoint they are loaded into.
/// </summary>
internal sealed record BackofficeFile(IReadOnlyList<Site> Sites, IReadOnlyList<Tariff> Tariffs)
{
    /// <summary>The records in <paramref name="json"/>.</summary>
    public static BackofficeFile Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new BackofficeFileException($"the file must hold a JSON object with \"sites\" and \"tariffs\" arrays (it holds {Describe(document.RootElement.ValueKind)})");
            }

            return new BackofficeFile(Read<Site>(document.RootElement, "sites"), Read<Tariff>(document.RootElement, "tariffs"));
        }
        catch (JsonException ex)
        {
            throw new BackofficeFileException($"not JSON: {ex.Message}", ex);
        }
    }

    private static List<T> Read<T>(JsonElement root, string property)
        where T : IMessage<T>, new()
    {
        if (!root.TryGetProperty(property, out var array))
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new BackofficeFileException($"\"{property}\" must be an array (it is {Describe(array.ValueKind)})");
        }

        var records = new List<T>(array.GetArrayLength());
        foreach (var element in array.EnumerateArray())
        {
            try
            {
                records.Add(JsonParser.Default.Parse<T>(element.GetRawText()));
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException)
            {
                // Not the contract's JSON mapping of the record (a wrong field, value or type).
                throw new BackofficeFileException($"{property}[{records.Count}]: {ex.Message}", ex);
            }
        }

        return records;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
