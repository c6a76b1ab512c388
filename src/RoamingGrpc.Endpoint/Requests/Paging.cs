using System.Buffers.Text;
using System.Text;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Requests;

/// <summary>
/// The paging rules every <c>List*</c> RPC shares: <c>page_size</c> 0 means the default, above the maximum is
/// INVALID_ARGUMENT / PAGE_SIZE_TOO_LARGE; page tokens are opaque (base64url of a versioned cursor) and a token
/// this endpoint did not issue is INVALID_ARGUMENT / INVALID_PAGE_TOKEN.
/// </summary>
internal static class Paging
{
    private const string TokenVersion = "v1:";

    /// <summary>The effective page size.</summary>
    public static int PageSize(int requested, int defaultSize, int maxSize)
    {
        if (requested < 0)
        {
            throw RoamingErrors.InvalidField("page_size", ErrorReason.InvalidField, "must not be negative");
        }

        if (requested > maxSize)
        {
            throw RoamingErrors.InvalidField("page_size", ErrorReason.PageSizeTooLarge, $"must be at most {maxSize} (was {requested})");
        }

        return requested == 0 ? defaultSize : requested;
    }

    /// <summary>The opaque token that continues after <paramref name="cursor"/>.</summary>
    public static string EncodeCursor(string cursor) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TokenVersion + cursor));

    /// <summary>The cursor in <paramref name="token"/>; null for an empty token (first page).</summary>
    public static string? DecodeCursor(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (token.Length <= 1024 && Base64Url.IsValid(token))
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (text.StartsWith(TokenVersion, StringComparison.Ordinal))
            {
                return text[TokenVersion.Length..];
            }
        }

        throw RoamingErrors.InvalidField("page_token", ErrorReason.InvalidPageToken, "is not a page token issued by this endpoint; start again with an empty page_token");
    }
}
