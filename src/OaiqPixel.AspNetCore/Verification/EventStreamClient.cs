using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// Reads one pixel's events stream: <c>GET {BaseAddress}/v1/conversions/events?pid=…&amp;limit=50</c> with the Ads API key
/// (spec §4.10). Never throws for the API or the network: every outcome is a <see cref="StreamAnswer"/>, and an answer it
/// cannot read (not JSON, no rows, unexpected types) is a failed read, never an exception.
/// </summary>
internal sealed class EventStreamClient(IHttpClientFactory httpClientFactory)
{
    /// <summary>The most rows the stream lists (spec §4.10).</summary>
    public const int Limit = 50;

    private const int MaxBodyBytes = 256 * 1024;
    private const int MaxReasonLength = 300;

    /// <summary>The stream's address for a pixel, keeping any path of the base address.</summary>
    public static Uri BuildUri(Uri baseAddress, string pixelId)
    {
        var text = baseAddress.AbsoluteUri;
        var withSlash = text.EndsWith('/') ? baseAddress : new Uri(text + "/");
        return new Uri(withSlash, string.Create(CultureInfo.InvariantCulture, $"v1/conversions/events?pid={Uri.EscapeDataString(pixelId)}&limit={Limit}"));
    }

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the host stops).</exception>
    /// <param name="settings">The verification settings in force (<see cref="VerificationChecker.Settings"/>: the last valid ones after a bad reload).</param>
    /// <param name="pixelId">The pixel whose stream to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<StreamAnswer> ReadAsync(OaiqVerificationOptions settings, string pixelId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, BuildUri(settings.BaseAddress, pixelId));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AdsApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var client = httpClientFactory.CreateClient(OaiqVerificationOptions.HttpClientName);
            // The client's Timeout ends with the headers (ResponseHeadersRead): bound the body read too, so a stalled
            // answer cannot hold the check for ever.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(client.Timeout);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var body = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return ParseRows(body) is { } rows
                    ? new StreamAnswer(OaiqVerificationCheck.Completed, rows, status, null)
                    : new StreamAnswer(OaiqVerificationCheck.Failed, [], status, "the answer holds no readable list of events");
            }

            var (code, message) = ReadError(body);
            var reason = ApiText.ForLog(code is null ? message : message is null ? code : $"{code}: {message}", settings.AdsApiKey, MaxReasonLength);
            var check = status switch
            {
                404 => OaiqVerificationCheck.NotAvailable,
                422 when string.Equals(code, "feature_not_available", StringComparison.Ordinal) => OaiqVerificationCheck.NotAvailable,
                401 or 403 => OaiqVerificationCheck.Unauthorized,
                _ => OaiqVerificationCheck.Failed,
            };
            return new StreamAnswer(check, [], status, reason);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new StreamAnswer(OaiqVerificationCheck.Failed, [], null, ApiText.ForLog($"{ex.GetType().Name}: {ex.Message}", null, MaxReasonLength));
        }
    }

    /// <summary>
    /// The rows of an answer: a top-level array, or the array under <c>data</c> or <c>events</c> (the shape is not
    /// documented); <see langword="null"/> when there is none. A row that is not an object is skipped.
    /// </summary>
    internal static List<StreamRow>? ParseRows(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            var list = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object && (Array(root, "data") ?? Array(root, "events")) is { } found ? found
                : default;
            if (list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var rows = new List<StreamRow>();
            foreach (var row in list.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var leg = Text(row, "api_channel") switch
                {
                    "pixel_sdk" => OaiqVerificationLeg.Pixel,
                    "server_to_server" => OaiqVerificationLeg.Server,
                    _ => (OaiqVerificationLeg?)null,
                };
                rows.Add(new StreamRow(Text(row, "event_type"), leg, Text(row, "event_id") ?? Text(row, "id"), Milliseconds(row, "event_timestamp_ms") ?? Milliseconds(row, "received_at_ms")));
            }

            return rows;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value : null;

    private static string? Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // A number, or a string of digits (an id-like field may come either way).
    private static long? Milliseconds(JsonElement row, string name) =>
        !row.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        : value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;

    /// <summary>The error's <c>code</c> and <c>message</c> (<c>error.{code,message}</c>, or at the top level); both optional.</summary>
    private static (string? Code, string? Message) ReadError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var error = root.TryGetProperty("error", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : root;
            return (Text(error, "code") ?? Text(error, "type"), Text(error, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBodyBytes];
            var read = await stream.ReadAtLeastAsync(buffer, MaxBodyBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return buffer[..read];
        }
    }
}
