using System.Globalization;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Requests;

/// <summary>
/// Where a paged listing of published records (sites, tariffs) stands: when the listing started (its
/// <c>sync_time</c>), the filters it was asked with, and the last record returned: by id for a full listing, by
/// change sequence for a delta. Carried in the opaque page token; a token reused with other filters is refused.
/// </summary>
internal sealed record ListingCursor(long SyncTime, string Filters, string? AfterId, long? AfterChangeSeq)
{
    /// <summary>Longer than any write transaction takes between stamping a record and committing it.</summary>
    public static readonly TimeSpan CommitMargin = TimeSpan.FromSeconds(5);

    /// <summary>The opaque page token.</summary>
    public string Encode() => Paging.EncodeCursor(string.Join(
        '|',
        SyncTime.ToString(CultureInfo.InvariantCulture),
        Filters,
        AfterChangeSeq?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        AfterId ?? string.Empty));

    /// <summary>
    /// The page of a listing read with one row more than <paramref name="pageSize"/> (the extra row only tells that more
    /// follow), and the token that continues after it; empty at the end.
    /// </summary>
    public (List<TRow> Page, string NextPageToken) Cut<TRow>(IReadOnlyList<TRow> rows, int pageSize, bool delta, Func<TRow, string> id, Func<TRow, long> changeSeq)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var page = rows.Take(pageSize).ToList();
        return (page, rows.Count > pageSize ? After(delta, id(page[^1]), changeSeq(page[^1])).Encode() : string.Empty);
    }

    /// <summary>The cursor after the last row of a page.</summary>
    public ListingCursor After(bool delta, string id, long changeSeq) =>
        delta ? this with { AfterChangeSeq = changeSeq } : this with { AfterId = id };

    /// <summary>
    /// The cursor in <paramref name="token"/>, or a new listing starting at <paramref name="now"/> for an empty
    /// token; <paramref name="filters"/> (without '|') must be the ones the token was issued for.
    /// </summary>
    public static ListingCursor Start(string token, string filters, DateTimeOffset now)
    {
        var text = Paging.DecodeCursor(token);
        if (text is null)
        {
            // Records are stamped inside their write transaction, a moment before they commit: sync_time stays that
            // moment behind now, so the next delta (updated_since = sync_time) cannot miss a change committed late.
            return new ListingCursor((now - CommitMargin).ToUnixTimeMilliseconds(), filters, null, null);
        }

        var parts = text.Split('|', 4);
        if (parts.Length == 4
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var syncTime)
            && parts[1] == filters)
        {
            long? afterChangeSeq = long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;
            return new ListingCursor(syncTime, filters, parts[3].Length == 0 ? null : parts[3], afterChangeSeq);
        }

        throw RoamingErrors.InvalidField("page_token", ErrorReason.InvalidPageToken, "does not belong to a listing with these filters; start again with an empty page_token");
    }

    /// <summary>The filter part of a token: the values joined with ',' ('|' never occurs in them).</summary>
    public static string FiltersOf(params object?[] values) =>
        string.Join(',', values.Select(value => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
}
