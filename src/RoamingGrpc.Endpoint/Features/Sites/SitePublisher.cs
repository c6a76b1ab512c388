using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Storage.Sites;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Sites;

/// <summary>
/// The CSO's sites (UC1-2): a new or changed site is stored with its next version, stamped, with its EVSE index, and
/// queued for every CSP partner in the same transaction (durable push); a removal stores a tombstone that is pushed the
/// same way. Publishing the same content again changes nothing. Every method runs inside the caller's write transaction.
/// </summary>
internal sealed class SitePublisher(ISiteRepository sites, PushQueue pushes, TimeProvider clock)
{
    /// <summary>
    /// Publishes <paramref name="site"/> (canonical, this operator's); an EVSE of another site: ALREADY_EXISTS naming
    /// the EVSE's field and site.
    /// </summary>
    public Site Upsert(WriteContext write, Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var evseIds = site.Evses.Select(evse => evse.EvseId).ToList();
        for (var i = 0; i < evseIds.Count; i++)
        {
            var owner = sites.SiteOfEvse(write, evseIds[i]);
            if (owner is not null && owner != site.SiteId)
            {
                throw RoamingErrors.Create(
                    ErrorKind.AlreadyExists,
                    ErrorReason.InvalidField,
                    $"site.evses[{i}].evse_id: EVSE {evseIds[i]} belongs to site '{owner}'; remove it there first.",
                    [new("field", $"site.evses[{i}].evse_id"), new("site_id", owner)]);
            }
        }

        var existing = sites.Find(write, site.SiteId);
        if (existing is { Removed: false } && Unchanged(existing, site))
        {
            return Site.Parser.ParseFrom(existing.Payload);
        }

        var stored = Stamp(site, existing, removed: false);
        sites.Save(write, Row(write, stored), evseIds);
        pushes.ToCsps(write, PushKinds.Site, stored);
        return stored;
    }

    /// <summary>Removes a site: its tombstone is stored and pushed; removing it again answers the tombstone. Unknown: NOT_FOUND.</summary>
    public Site Remove(WriteContext write, string siteId, PartyIdentity operatorIdentity)
    {
        ArgumentNullException.ThrowIfNull(operatorIdentity);
        var existing = sites.Find(write, siteId)
            ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSite, $"Site '{siteId}' does not exist.", [new("site_id", siteId)]);
        if (existing.Removed)
        {
            return Site.Parser.ParseFrom(existing.Payload);
        }

        var tombstone = Stamp(new Site { SiteId = siteId, OperatorId = operatorIdentity.PartyId, CountryCode = existing.CountryCode }, existing, removed: true);
        sites.Save(write, Row(write, tombstone), []);
        pushes.ToCsps(write, PushKinds.Site, tombstone);
        return tombstone;
    }

    private static bool Unchanged(SiteRow existing, Site site) =>
        WithoutStamps(Site.Parser.ParseFrom(existing.Payload)).Equals(WithoutStamps(site));

    // The site's content, without what the endpoint stamps on each write.
    private static Site WithoutStamps(Site site)
    {
        var content = site.Clone();
        content.Version = 0;
        content.UpdateTime = null;
        foreach (var evse in content.Evses)
        {
            evse.UpdateTime = null;
            foreach (var connector in evse.Connectors)
            {
                connector.UpdateTime = null;
            }
        }

        return content;
    }

    private Site Stamp(Site site, SiteRow? existing, bool removed)
    {
        var now = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
        var stamped = site.Clone();
        stamped.Version = (ulong)((existing?.Version ?? 0) + 1);
        stamped.UpdateTime = now;
        stamped.Removed = removed;
        foreach (var evse in stamped.Evses)
        {
            evse.UpdateTime = now;
            foreach (var connector in evse.Connectors)
            {
                connector.UpdateTime = now;
            }
        }

        return stamped;
    }

    private SiteRow Row(WriteContext write, Site site) => new(
        site.SiteId,
        (long)site.Version,
        sites.NextChangeSeq(write),
        site.UpdateTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
        site.Removed ? 1 : 0,
        site.CountryCode,
        site.ToByteArray());
}
