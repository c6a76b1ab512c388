using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Bench;

/// <summary>
/// Status changes for one target: each EVSE cycles through statuses, so every change differs from the one before
/// and is applied. EVSE 0 is the marker, changed once at the end of a run. The other EVSEs are visited in steps of
/// <c>stride</c> (1: round robin; a stride coprime to their number visits each once per cycle, spread over the whole
/// id range).
/// </summary>
internal sealed class StatusChanges(IReadOnlyList<string> evseIds, int stride = 1)
{
    private static readonly EvseStatus[] Cycle = [EvseStatus.Available, EvseStatus.Charging, EvseStatus.Reserved, EvseStatus.Outoforder];
    private readonly int[] _position = new int[evseIds.Count];
    private int _next;

    public IReadOnlyList<string> EvseIds => evseIds;

    public string Marker => evseIds[0];

    /// <summary>The next change, to the EVSE <c>stride</c> places after the last one (the marker left out).</summary>
    public (string EvseId, EvseStatus Status) Next()
    {
        var index = 1 + (int)((long)Interlocked.Increment(ref _next) * stride % (evseIds.Count - 1));
        var position = Interlocked.Increment(ref _position[index]);
        return (evseIds[index], Cycle[position % Cycle.Length]);
    }

    /// <summary>The marker's latest status.</summary>
    public EvseStatus CurrentMarker => Cycle[Volatile.Read(ref _position[0]) % 2];

    /// <summary>The marker's next status (it alternates).</summary>
    public EvseStatus NextMarker() => Cycle[Interlocked.Increment(ref _position[0]) % 2];
}
