using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// Carries a <see cref="VisitorContext"/> from the request that rendered a page to the interactive server circuit running
/// on it, as persistent component state for <see cref="RenderMode.InteractiveServer"/>: the framework protects the server
/// circuits' state with its own Data Protection (a page script can neither read nor forge it) and hands it to the circuit
/// when it starts, and again after an enhanced navigation to a page carrying one (<see cref="RestoreOptions.AllowUpdates"/>).
/// </summary>
/// <remarks>
/// No protector of ours. In an app whose only interactive render mode is Server, Blazor persists and protects its state
/// on every page whether or not we add to it (its antiforgery state at least), so the context costs no Data Protection
/// call (measured: CircuitVisitorTests). With Server and WebAssembly both configured Blazor persists a page's server
/// state only when it has some (not measured): a page that had none then costs Blazor one protection for the context.
/// An app without interactive server components (static or WebAssembly only) persists nothing.
/// </remarks>
internal sealed class CircuitVisitor
{
    private const string StateKey = "OaiqPixel.AspNetCore.Components.Visitor";

    private readonly bool _excludeBots;
    private readonly ILogger _logger;

    public CircuitVisitor(IOptions<OaiqTrackingOptions> options, IServiceProviderIsService? services = null, ILogger<CircuitVisitor>? logger = null)
    {
        _excludeBots = options.Value.ServerViews?.ExcludeBots ?? true;
        _logger = logger ?? NullLogger<CircuitVisitor>.Instance;

        // AddInteractiveServerComponents registers ProtectedLocalStorage: without it no circuit ever reads the context.
        CircuitsCanStart = services?.IsService(typeof(ProtectedLocalStorage)) ?? true;
    }

    /// <summary>Whether the app can run interactive server circuits, so its pages hand the visitor context on.</summary>
    public bool CircuitsCanStart { get; }

    /// <summary>
    /// Has the request's visitor context persisted for an interactive server circuit, if the page starts one; the
    /// subscription ends with the page's component.
    /// </summary>
    public PersistingComponentStateSubscription? PersistForCircuit(PersistentComponentState state, OaiqTrackingContext tracking)
    {
        // Once per page: a second <OaiqPixel /> (which renders nothing) would persist under the same key, which throws.
        if (!CircuitsCanStart || tracking.Events.VisitorPersisted)
        {
            return null;
        }

        tracking.Events.VisitorPersisted = true;

        return state.RegisterOnPersisting(
            () =>
            {
                // A callback that throws makes Blazor drop the page's whole state, the app's own with it.
                try
                {
                    Persist(state, Write(tracking));
                }
                catch (Exception ex)
                {
                    ComponentsLog.VisitorContextNotPersisted(_logger, ex);
                }

                return Task.CompletedTask;
            },
            RenderMode.InteractiveServer);
    }

    /// <summary>
    /// Has <paramref name="restored"/> called with the visitor context (or <see langword="null"/> and why it was refused)
    /// each time the circuit receives state carrying one: when it starts, and after an enhanced navigation to a page that
    /// carries one.
    /// </summary>
    /// <remarks>
    /// State without one changes nothing: the framework restores more than once per navigation (taking the value on the
    /// first), and a page rendered without the pixel does not end the visit — as the page data did before.
    /// </remarks>
    public static RestoringComponentStateSubscription FollowInCircuit(PersistentComponentState state, Action<VisitorContext?, string?> restored) =>
        state.RegisterOnRestoring(
            () =>
            {
                if (Take(state) is { } payload)
                {
                    var visitor = Read(payload, out var reason);
                    restored(visitor, reason);
                }
            },
            new RestoreOptions { AllowUpdates = true });

    /// <summary>The request's visitor context as compact UTF-8 JSON.</summary>
    public byte[] Write(OaiqTrackingContext tracking)
    {
        var request = tracking.HttpContext.Request;
        var userAgent = request.Headers.UserAgent.Count == 1 ? request.Headers.UserAgent[0] : null;
        var rented = PixelScriptBuffer.Rent();
        try
        {
            var json = rented.Json;
            json.WriteStartObject();
            WriteIfSet(json, "o", tracking.Oppref);
            WriteIfSet(json, "b", tracking.Obref);
            json.WriteNumber("c", (int)tracking.Consent);
            WriteIfSet(json, "i", tracking.HttpContext.Connection.RemoteIpAddress?.ToString());
            WriteIfSet(json, "u", userAgent);
            WriteIfSet(json, "s", OaiqFeatureSwitches.IsConversionsApiSupported && _excludeBots && BotUserAgents.IsBot(userAgent) ? DropReason.Bot : null);
            json.WriteStartArray("p");
            foreach (var pixelId in tracking.PixelIds)
            {
                json.WriteStringValue(pixelId);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            return rented.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            PixelScriptBuffer.Return(rented);
        }
    }

    /// <summary>Reads a visitor context written by <see cref="Write"/>; <see langword="null"/> with a reason when it is not understood.</summary>
    public static VisitorContext? Read(byte[] payload, out string? reason)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return Read(document.RootElement, out reason);
        }
        catch (JsonException)
        {
            reason = "its payload is not understood";
            return null;
        }
    }

    private static VisitorContext? Read(JsonElement root, out string? reason)
    {
        try
        {
            reason = null;
            return new VisitorContext(
                ReadString(root, "o"),
                ReadString(root, "b"),
                (OaiqConsent)root.GetProperty("c").GetInt32(),
                ReadString(root, "i"),
                ReadString(root, "u"),
                ReadString(root, "s"))
            {
                PixelIds = ReadPixels(root),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            reason = "its payload is not understood";
            return null;
        }
    }

    // Persisted as a JSON element, not a JSON string: a string's escaped quotes (\u0022) would make the page's state
    // about a third longer.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "JsonElement has a built-in converter; no reflection over user types.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "JsonElement has a built-in converter.")]
    private static void Persist(PersistentComponentState state, byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        state.PersistAsJson(StateKey, document.RootElement);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "JsonElement has a built-in converter.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "JsonElement has a built-in converter.")]
    private static JsonElement? Take(PersistentComponentState state) =>
        state.TryTakeFromJson<JsonElement>(StateKey, out var payload) ? payload : null;

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string[] ReadPixels(JsonElement root)
    {
        if (!root.TryGetProperty("p", out var pixels) || pixels.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. pixels.EnumerateArray().Select(static pixel => pixel.GetString() ?? throw new InvalidOperationException("A pixel id is not a string."))];
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.GetString() : null;
}
