using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Features.Statuses;

/// <summary>Which EVSEs a status pull or stream covers: the given sites and EVSEs, or all when both are empty.</summary>
internal sealed class StatusFilter
{
    private readonly HashSet<string> _siteIds;
    private readonly HashSet<string> _evseIds;

    private StatusFilter(HashSet<string> siteIds, HashSet<string> evseIds)
    {
        _siteIds = siteIds;
        _evseIds = evseIds;
    }

    /// <summary>The filter of a request; EVSE ids are validated (INVALID_ARGUMENT naming the field).</summary>
    public static StatusFilter From(IEnumerable<string> siteIds, IList<string> evseIds, PartyIdentity owner)
    {
        var evses = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < evseIds.Count; i++)
        {
            evses.Add(StatusValidator.EvseIdOf(evseIds[i], $"evse_ids[{i}]", owner));
        }

        return new StatusFilter([.. siteIds], evses);
    }

    /// <summary>True when the entry is covered.</summary>
    public bool Matches(StatusEntry entry) =>
        (_siteIds.Count == 0 && _evseIds.Count == 0) || _siteIds.Contains(entry.SiteId) || _evseIds.Contains(entry.EvseId);
}
