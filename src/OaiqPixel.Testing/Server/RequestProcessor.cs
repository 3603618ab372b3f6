using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OaiqPixel.Testing.Validation;

namespace OaiqPixel.Testing.Server;

/// <summary>
/// Decides what a request deserves when no fault intervenes: the URL and method, the bearer key, the <c>pid</c>, the
/// content encoding and type, then the body through <see cref="ConversionsRequestValidator"/> (whole-batch semantics);
/// or, in <see cref="FakeConversionsApiOptions.CountOnly"/> mode, only the request-level checks and an event count.
/// Nothing is recorded or written here.
/// </summary>
internal sealed class RequestProcessor(FakeConversionsApiOptions options)
{
    private static readonly JsonDocumentOptions _parseOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    private readonly string _apiKey = options.ApiKey;
    private readonly Dictionary<string, string> _keysByPixel = new(options.AdditionalPixels, StringComparer.Ordinal) { [options.PixelId] = options.ApiKey };
    private readonly TimeProvider _timeProvider = options.TimeProvider;
    private volatile Func<JsonElement, bool>? _poisonEvent = options.PoisonEvent;

    /// <summary>The status of an accepted batch.</summary>
    public int SuccessStatusCode { get; } = options.SuccessStatusCode;

    /// <summary>Whether per-event validation is skipped and bodies and events are not kept.</summary>
    public bool CountOnly { get; } = options.CountOnly;

    /// <summary>Marks structurally valid events as invalid; read once per request.</summary>
    public Func<JsonElement, bool>? PoisonEvent
    {
        get => _poisonEvent;
        set => _poisonEvent = value;
    }

    /// <summary>Handles the request as the mode says: <see cref="ProcessCountOnly"/> or <see cref="Validate"/>.</summary>
    public ProcessingOutcome Process(HttpRequest request, byte[] body, int eventCount, bool validateOnly) =>
        CountOnly ? ProcessCountOnly(request, eventCount, validateOnly) : Validate(request, body, eventCount, validateOnly);

    /// <summary>
    /// The full checks, whatever the mode (a reset fault that processes the request uses them too);
    /// <paramref name="eventCount"/> and <paramref name="validateOnly"/> are <see cref="Inspect"/>'s.
    /// </summary>
    public ProcessingOutcome Validate(HttpRequest request, byte[] body, int eventCount, bool validateOnly)
    {
        if (CheckAddressAndKey(request) is { } refused)
        {
            return refused;
        }

        var contentEncoding = request.Headers.ContentEncoding.ToString();
        if (contentEncoding.Length > 0 && !string.Equals(contentEncoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, $"Unsupported Content-Encoding: {contentEncoding}");
        }

        if (!IsJsonContentType(request.ContentType))
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, $"Content-Type must be application/json (got \"{request.ContentType}\")");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, _parseOptions);
        }
        catch (JsonException ex)
        {
            return Refuse(StatusCodes.Status400BadRequest, "Invalid JSON body: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            ValidationError? error;
            try
            {
                error = EnvelopeValidator.Validate(root, _timeProvider.GetUtcNow(), PoisonEvent);
            }
#pragma warning disable CA1031 // A throwing test predicate becomes a 500 the test can see, not a dropped connection.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var message = "PoisonEvent predicate threw: " + ex.Message;
                return new ProcessingOutcome(StatusCodes.Status500InternalServerError, Responder.ErrorJson(message, "server_error"), message, []);
            }

            if (error is not null)
            {
                var errorBody = Responder.ErrorJson(error.Message, ConversionsApiSchema.InvalidRequestErrorType, error.Param, error.Code);
                return new ProcessingOutcome(StatusCodes.Status400BadRequest, errorBody, error.Message, []);
            }

            JsonElement[] accepted = validateOnly ? [] : [.. root.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
            return new ProcessingOutcome(SuccessStatusCode, Responder.AcceptedJson(eventCount), null, accepted);
        }
    }

    /// <summary><see cref="FakeConversionsApiOptions.CountOnly"/>: the request-level checks, no per-event validation.</summary>
    private ProcessingOutcome ProcessCountOnly(HttpRequest request, int eventCount, bool validateOnly) =>
        CheckAddressAndKey(request) ?? (eventCount is 0 or > ConversionsApiSchema.MaxEventsPerRequest
            ? Refuse(StatusCodes.Status400BadRequest, "events: expected 1-1000 events")
            : new ProcessingOutcome(SuccessStatusCode, Responder.AcceptedJson(eventCount), null, [], CountedEvents: validateOnly ? 0 : eventCount));

    /// <summary>The URL and method, the bearer key of the request's own pixel, and the <c>pid</c>: <see langword="null"/> when all are right.</summary>
    private ProcessingOutcome? CheckAddressAndKey(HttpRequest request)
    {
        if (!string.Equals(request.Path.Value, ConversionsApiSchema.EventsPath, StringComparison.Ordinal))
        {
            return Refuse(StatusCodes.Status404NotFound, $"Unknown request URL: {request.Method} {request.Path}");
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return Refuse(StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed on {ConversionsApiSchema.EventsPath}; use POST");
        }

        // The key of the request's own pixel (the primary pixel's when the pid is missing or unknown).
        var pid = request.Query["pid"];
        var expectedKey = pid.Count == 1 && pid[0] is { } known && _keysByPixel.TryGetValue(known, out var pixelKey) ? pixelKey : _apiKey;
        if (!IsAuthorized(request.Headers.Authorization.ToString(), expectedKey))
        {
            return Refuse(StatusCodes.Status401Unauthorized, ConversionsApiSchema.InsufficientPermissionsMessage);
        }

        if (pid.Count == 0 || string.IsNullOrEmpty(pid[0]))
        {
            return Refuse(StatusCodes.Status400BadRequest, "Missing required query parameter: pid");
        }

        if (pid.Count > 1 || !_keysByPixel.ContainsKey(pid[0]!))
        {
            return Refuse(StatusCodes.Status400BadRequest, $"pid: unknown pixel ID \"{pid}\"");
        }

        return null;
    }

    /// <summary>
    /// The body's event count and <c>validate_only</c> flag for the record, whatever the outcome, read forward-only (no
    /// document); <c>(0, false)</c> when unreadable.
    /// </summary>
    public static (int EventCount, bool ValidateOnly) Inspect(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (0, false);
            }

            var (count, validateOnly) = (0, false);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEvents = reader.ValueTextEquals("events"u8);
                var isValidateOnly = reader.ValueTextEquals("validate_only"u8);
                reader.Read();
                if (isValidateOnly)
                {
                    validateOnly = reader.TokenType == JsonTokenType.True;
                }
                else if (isEvents && reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        count++;
                        reader.Skip();
                    }

                    continue;
                }

                reader.Skip();
            }

            return (count, validateOnly);
        }
        catch (JsonException)
        {
            return (0, false);
        }
    }

    private static bool IsAuthorized(string authorization, string expectedKey)
    {
        const string scheme = "Bearer ";
        return authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(authorization[scheme.Length..], expectedKey, StringComparison.Ordinal);
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals(Responder.JsonContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var charset = mediaType.Charset;
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    private static ProcessingOutcome Refuse(int statusCode, string message) =>
        new(statusCode, Responder.ErrorJson(message, ConversionsApiSchema.InvalidRequestErrorType), message, []);
}
