using RoamingGrpc.Fuzz.Identifiers;
using RoamingGrpc.Fuzz.Loaders;
using RoamingGrpc.Fuzz.Requests;
using RoamingGrpc.Fuzz.Streams;

namespace RoamingGrpc.Fuzz;

/// <summary>The fuzz targets by name, each with what it needs running (the stream logs, the two endpoints).</summary>
internal sealed class FuzzTargets : IAsyncDisposable
{
    /// <summary>Every target's name, in the order <c>fuzz.sh all</c> runs them.</summary>
    public static readonly IReadOnlyList<string> Names = ["identifiers", "backoffice-load", "streams", "requests"];

    private readonly List<IAsyncDisposable> _resources = [];

    /// <summary>The target named <paramref name="name"/>, started.</summary>
    public async Task<FuzzTarget> CreateAsync(string name)
    {
        switch (name)
        {
            case "identifiers":
                return new IdentifierTarget();
            case "backoffice-load":
                return new BackofficeLoadTarget();
            case "streams":
                var logs = await StreamLogs.CreateAsync().ConfigureAwait(false);
                _resources.Add(logs);
                return new StreamTarget(logs);
            case "requests":
                var network = await FuzzNetwork.StartAsync().ConfigureAwait(false);
                _resources.Add(network);
                return new RequestTarget(network);
            default:
                throw new ArgumentException($"No fuzz target '{name}'; the targets are {string.Join(", ", Names)}.", nameof(name));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in _resources)
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }

        _resources.Clear();
    }
}
