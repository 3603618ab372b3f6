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
internal sealed class ConversionsApiClient(HttpClient httpClient, IOptionsMonitor<OaiqTrackingOptions> options, TimeProvider timeProvider, PixelDirectory pixels)
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxErrorMessageLength = 500;
    private static readonly string[] s_requestIdHeaders = ["x-request-id", "openai-request-id", "x-openai-request-id", "request-id"];

    /// <summary>Builds the request URI: <c>{baseAddress}/v1/events?pid={pixelId}</c>, keeping any path of the base address.</summary>
    public static Uri BuildEventsUri(Uri baseAddress, string? pixelId)
    {
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
        var api = options.CurrentValue.ConversionsApi;

        // The pixel's own key and settings, looked up for every request (a rotated key is used at once).
        var pixelId = records[0].PixelId;
        if (pixels.Find(pixelId) is not { ApiKey: { } apiKey } pixel)
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
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var requestId = ReadRequestId(response);

            // The resilience handler's timeouts end with the headers: bound the body read too, so a stalled body cannot hold the sender.
            using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bodyTimeout.CancelAfter(api.RequestTimeout);
            if (response.IsSuccessStatusCode)
            {
                // Accepted only once the whole answer arrived: a connection cut mid-body is retried like any transport
                // failure (same ids and timestamps, which the API deduplicates), never counted as delivered.
                return await ReadBodyAsync(response, bodyTimeout.Token, cancellationToken).ConfigureAwait(false) is not null
                    ? new SendResult(SendOutcome.Delivered, status, null, requestId, null)
                    : new SendResult(SendOutcome.Transient, null, string.Create(CultureInfo.InvariantCulture, $"status {status}, but the connection was cut before the whole response arrived"), requestId, null);
            }

            // A broken or stalled error body: the status alone decides.
            var message = ApiText.ForLog(ErrorMessage(await ReadBodyAsync(response, bodyTimeout.Token, cancellationToken).ConfigureAwait(false)), apiKey, MaxErrorMessageLength);
            var outcome = status switch
            {
                400 or 413 or 422 => SendOutcome.Rejected,
                401 or 403 => SendOutcome.Unauthorized,
                408 or 429 or >= 500 => SendOutcome.Transient,
                _ => SendOutcome.Unexpected,
            };
            return new SendResult(outcome, status, message, requestId, ReadRetryAfter(response, timeProvider.GetUtcNow()));
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
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
        return $"{ex.GetType().Name}: {ApiText.ForLog(message, null, MaxErrorMessageLength)}";
    }

    private static string? ReadRequestId(HttpResponseMessage response) =>
        s_requestIdHeaders.FirstOrDefault(name => response.Headers.Contains(name)) is { } found
            ? ApiText.ForLog(string.Join(",", response.Headers.GetValues(found)), null, MaxErrorMessageLength)
            : null;

    private static TimeSpan? ReadRetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Reads a body to its end (at most <see cref="MaxBodyBytes"/>); <see langword="null"/> when the connection broke or stalled first.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken, CancellationToken callerToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, MaxBodyBytes), MaxBodyBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                return buffer[..read];
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !callerToken.IsCancellationRequested))
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The error shape is undocumented: accept <c>error.message</c>, <c>error</c> (a string) or <c>message</c>, else the raw text.</summary>
    private static string? ErrorMessage(byte[]? body)
    {
        if (body is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                _ = root.TryGetProperty("error", out var error);
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var nested) && nested.ValueKind == JsonValueKind.String)
                {
                    return nested.GetString();
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString();
                }

                if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the text.
        }

        return Encoding.UTF8.GetString(body);
    }
}
