using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace OaiqPixel.AspNetCore.Tracking;

/// <summary>
/// A request's <c>source_url</c> (spec §4.2): its scheme, host, path base and path as an absolute URL, without the query
/// (which may carry personal data or the <c>oppref</c>); <see langword="null"/> when the request has no host or the URL is
/// not one <see cref="ConversionEvent.SourceUrl"/> accepts.
/// </summary>
/// <remarks>
/// Building and checking the URL was the costliest step of making a request's event, and a site serves the same pages
/// again and again: the last URL built is kept (one immutable entry, swapped whole, so concurrent requests never see
/// half of one), and a request for the same page compares four short strings instead.
/// </remarks>
internal static class SourceUrls
{
    private static Entry? s_last;

    /// <summary>The request's source URL, or <see langword="null"/>.</summary>
    public static string? For(HttpRequest request)
    {
        var host = request.Host;
        if (!host.HasValue)
        {
            return null;
        }

        var scheme = request.Scheme;
        var pathBase = request.PathBase;
        var path = request.Path;
        if (Volatile.Read(ref s_last) is { } last
            && string.Equals(last.Path, path.Value, StringComparison.Ordinal)
            && string.Equals(last.Host, host.Value, StringComparison.Ordinal)
            && string.Equals(last.Scheme, scheme, StringComparison.Ordinal)
            && string.Equals(last.PathBase, pathBase.Value, StringComparison.Ordinal))
        {
            return last.Url;
        }

        var url = UriHelper.BuildAbsolute(scheme, host, pathBase, path);
        if (!ConversionEvent.IsValidSourceUrl(url))
        {
            return null;
        }

        Volatile.Write(ref s_last, new Entry(scheme, host.Value, pathBase.Value, path.Value, url));
        return url;
    }

    private sealed record Entry(string Scheme, string Host, string? PathBase, string? Path, string Url);
}
