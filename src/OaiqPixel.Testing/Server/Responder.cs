using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OaiqPixel.Testing.Server;

/// <summary>
/// How <see cref="FakeConversionsApi"/> answers on the wire: the artificial response delay, the mechanics of each
/// <see cref="Fault"/> (status with <c>Retry-After</c>, hang, connection reset), JSON responses and the OpenAI-style
/// error bodies. What to answer, and when to record it, is <see cref="RequestHandler"/>'s decision.
/// </summary>
internal sealed class Responder
{
    public const string JsonContentType = "application/json";

    private static readonly JsonSerializerOptions _serializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private long _responseDelayTicks;

    /// <summary>Latency added to every request (real time); validated by the facade.</summary>
    public TimeSpan ResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _responseDelayTicks));
        set => Interlocked.Exchange(ref _responseDelayTicks, value.Ticks);
    }

    /// <summary>The body a <see cref="FaultKind.Status"/> fault answers with: its own, else an error object for its status.</summary>
    public static string StatusBody(Fault fault) => fault.Body ?? DefaultFaultBody(fault.StatusCode);

    /// <summary>Sets the <c>Retry-After</c> header of a <see cref="FaultKind.Status"/> fault, if it has one.</summary>
    public static void AddRetryAfter(HttpResponse response, Fault fault)
    {
        if (fault.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        else if (fault.RetryAfterDate is { } retryAfterDate)
        {
            response.Headers.RetryAfter = retryAfterDate.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Aborts the connection for a <see cref="FaultKind.ResetConnection"/> fault; with
    /// <see cref="Fault.AfterHeaders"/> it first sends the status line, headers and part of <paramref name="body"/>.
    /// </summary>
    public static async Task ResetAsync(HttpContext context, Fault fault, int statusCode, string body, CancellationToken token)
    {
        if (fault.AfterHeaders)
        {
            // Promise more than is ever sent.
            await WriteAsync(context, statusCode, body, missingBytes: 64, token);
        }

        context.Abort();
    }

    /// <summary>Writes a complete JSON response.</summary>
    public static Task WriteAsync(HttpContext context, int statusCode, string body) =>
        WriteAsync(context, statusCode, body, missingBytes: 0, context.RequestAborted);

    /// <summary>
    /// The error body the live API was seen to answer (not documented): <c>{"error":{"message":…,"type":…,"param":…,"code":…}}</c>,
    /// <c>param</c> and <c>code</c> <see langword="null"/> where none applies.
    /// </summary>
    public static string ErrorJson(string message, string type, string? param = null, string? code = null) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code } }
            .ToJsonString(_serializerOptions);

    /// <summary>The success body the live API was seen to answer (not documented): <c>{"accepted_events":n}</c>, n the request's events (with <c>validate_only</c> too).</summary>
    public static string AcceptedJson(int eventCount) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"accepted_events":{{eventCount}}}""");

    private static string DefaultFaultBody(int statusCode)
    {
        if (statusCode is >= 200 and < 300)
        {
            return "{}";
        }

        var type = statusCode switch
        {
            429 => "rate_limit_exceeded",
            >= 500 => "server_error",
            _ => ConversionsApiSchema.InvalidRequestErrorType,
        };
        return ErrorJson(string.Create(CultureInfo.InvariantCulture, $"Simulated {statusCode} from FakeConversionsApi"), type);
    }

    /// <summary>Writes <paramref name="body"/> under a <c>Content-Length</c> <paramref name="missingBytes"/> longer; a client gone meanwhile is ignored.</summary>
    private static async Task WriteAsync(HttpContext context, int statusCode, string body, int missingBytes, CancellationToken token)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = bytes.Length + missingBytes;
        try
        {
            await context.Response.Body.WriteAsync(bytes, token);
            await context.Response.Body.FlushAsync(token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client is gone already: nothing is left to do.
        }
    }

    /// <summary>Waits <paramref name="delay"/> (a response delay, a hang; never negative); <see langword="false"/> when <paramref name="token"/> ended it.</summary>
    public static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken token)
    {
        await Task.Delay(delay, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !token.IsCancellationRequested;
    }
}
