using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>
/// The typed <see cref="HttpClient"/> of the Conversions API: one <c>POST {BaseAddress}/v1/events?pid={PixelId}</c> per
/// batch, with the pixel's key (<see cref="PixelDirectory"/>) read for every request. Never throws for API or transport failures:
/// they come back as a <see cref="SendResult"/>.
/// </summary>
internal sealed class ConversionsApiClient
{
    private const int MaxErrorBodyBytes = 16 * 1024;
    private const int MaxErrorMessageLength = 500;
    private static readonly string[] s_requestIdHeaders = ["x-request-id", "openai-request-id", "x-openai-request-id", "request-id"];

    private readonly HttpClient _httpClient;
    private readonly IOptionsMonitor<OaiqTrackingOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly PixelDirectory _pixels;

    public ConversionsApiClient(HttpClient httpClient, IOptionsMonitor<OaiqTrackingOptions> options, TimeProvider timeProvider, PixelDirectory pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        _pixels = pixels;
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Builds the request URI: <c>{baseAddress}/v1/events?pid={pixelId}</c>, keeping any path of the base address.</summary>
    public static Uri BuildEventsUri(Uri baseAddress, string? pixelId)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var text = baseAddress.AbsoluteUri;
        var withSlash = text.EndsWith('/') ? baseAddress : new Uri(text + "/");
        return new Uri(withSlash, "v1/events?pid=" + Uri.EscapeDataString(pixelId ?? string.Empty));
    }

    /// <summary>Sends one batch.</summary>
    /// <param name="records">1–1,000 records of one pixel (<see cref="ConversionEventRecord.PixelId"/> of the first is the <c>pid</c>).</param>
    /// <param name="cancellationToken">Cancels the request (shutdown deadline).</param>
    /// <returns>How the API answered.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SendResult> SendAsync(IReadOnlyList<ConversionEventRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var api = _options.CurrentValue.ConversionsApi;

        // The pixel's own key and settings, looked up for every request (a rotated key is used at once).
        var pixelId = records[0].PixelId;
        if (_pixels.Find(pixelId) is not { ApiKey: { } apiKey } pixel)
        {
            return new SendResult(SendOutcome.Unauthorized, null, $"no Conversions API key is configured for pixel {pixelId}", null, null);
        }

        using var body = MemoryPool<byte>.Shared.Rent(ConversionsApiRequestBody.MaxLength(records, pixel.IntegrationSource));
        var length = ConversionsApiRequestBody.Write(body.Memory.Span, records, pixel.ValidateOnly, pixel.IntegrationSource);

        using var request = new HttpRequestMessage(HttpMethod.Post, BuildEventsUri(api.BaseAddress, pixelId));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Content = new ReadOnlyMemoryContent(body.Memory[..length]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        try
        {
            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var requestId = ReadRequestId(response);

            // The resilience handler's timeouts end with the headers: bound the body read too, so a stalled body cannot hold the sender.
            using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bodyTimeout.CancelAfter(api.RequestTimeout);
            if (response.IsSuccessStatusCode)
            {
                // Accepted only once the whole answer arrived: a connection cut mid-body is retried like any transport
                // failure (same ids and timestamps, which the API deduplicates), never counted as delivered.
                return await IsBodyCompleteAsync(response, bodyTimeout.Token, cancellationToken).ConfigureAwait(false)
                    ? new SendResult(SendOutcome.Delivered, status, null, requestId, null)
                    : new SendResult(SendOutcome.Transient, null, string.Create(CultureInfo.InvariantCulture, $"status {status}, but the connection was cut before the whole response arrived"), requestId, null);
            }

            var message = Redact(await ReadErrorMessageAsync(response, bodyTimeout.Token, cancellationToken).ConfigureAwait(false), apiKey);
            var outcome = status switch
            {
                400 or 413 or 422 => SendOutcome.Rejected,
                401 or 403 => SendOutcome.Unauthorized,
                408 or 429 or >= 500 => SendOutcome.Transient,
                _ => SendOutcome.Unexpected,
            };
            return new SendResult(outcome, status, message, requestId, ReadRetryAfter(response, _timeProvider.GetUtcNow()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or OperationCanceledException or IOException)
        {
            // Transport failures carry no key; keep the type and message for the log.
            return new SendResult(SendOutcome.Transient, null, Describe(ex), null, null);
        }
    }

    private static string Describe(Exception ex)
    {
        var message = ex is HttpRequestException { HttpRequestError: var error } && error != HttpRequestError.Unknown
            ? string.Create(CultureInfo.InvariantCulture, $"{error}: {ex.Message}")
            : ex.Message;
        return $"{ex.GetType().Name}: {Truncate(message)}";
    }

    private static string? ReadRequestId(HttpResponseMessage response)
    {
        foreach (var name in s_requestIdHeaders)
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                return Truncate(string.Join(",", values));
            }
        }

        return null;
    }

    private static TimeSpan? ReadRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Reads a success body to its end (at most <see cref="MaxErrorBodyBytes"/>); <see langword="false"/> when the connection broke or stalled first.</summary>
    private static async Task<bool> IsBodyCompleteAsync(HttpResponseMessage response, CancellationToken cancellationToken, CancellationToken callerToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var chunk = new byte[256];
                var total = 0;
                int read;
                while (total < MaxErrorBodyBytes && (read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !callerToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private static async Task<string?> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken, CancellationToken callerToken)
    {
        byte[] bytes;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[4096];
                int read;
                while (buffer.Length < MaxErrorBodyBytes
                    && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, MaxErrorBodyBytes - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                }

                bytes = buffer.ToArray();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !callerToken.IsCancellationRequested))
        {
            // A broken or stalled error body: the status alone decides.
            return null;
        }

        if (bytes.Length == 0)
        {
            return null;
        }

        // The error shape is undocumented: accept error.message, error (a string) or message, else the raw text.
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var nested) && nested.ValueKind == JsonValueKind.String)
                    {
                        return Truncate(nested.GetString());
                    }

                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return Truncate(error.GetString());
                    }
                }

                if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return Truncate(message.GetString());
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the text.
        }

        return Truncate(Encoding.UTF8.GetString(bytes));
    }

    private static string? Redact(string? message, string? apiKey) =>
        message is null || string.IsNullOrEmpty(apiKey) ? message : message.Replace(apiKey, "[redacted]", StringComparison.Ordinal);

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    private static string? Truncate(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim();
        return trimmed.Length <= MaxErrorMessageLength ? trimmed : string.Concat(trimmed.AsSpan(0, MaxErrorMessageLength), "…");
    }
}
