using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Verification;

/// <summary>
/// The background check: every <see cref="OaiqVerificationOptions.Interval"/> (plus jitter) it reads each pixel's events
/// stream, compares it with the <see cref="LegLedger"/> (<see cref="LegComparison"/>), keeps the latest result per pixel
/// (<see cref="IOaiqVerification"/>) and logs each change once: a leg that stops arriving or comes back, a stream that is
/// not enabled (that pixel is asked again only after <see cref="NotAvailableRetry"/>), refused or failing. A failure
/// never reaches the app.
/// </summary>
internal sealed class VerificationChecker(
    EventStreamClient stream,
    LegLedger ledger,
    PixelDirectory pixels,
    VerificationInstrumentation instrumentation,
    IOptionsMonitor<OaiqVerificationOptions> options,
    TimeProvider timeProvider,
    IServiceProvider services,
    ILogger<VerificationChecker> logger) : BackgroundService, IOaiqVerification
{
    /// <summary>
    /// How long a pixel whose stream is not enabled (404, or 422 <c>feature_not_available</c>) waits before it is asked
    /// again: the stream may be enabled later, and one answer (a proxy's 404, a moment's misroute) must not end the
    /// checks until a restart; an hour keeps the calls to an account without the stream to 24 a day.
    /// </summary>
    public static readonly TimeSpan NotAvailableRetry = TimeSpan.FromHours(1);

    private readonly Dictionary<string, PixelState> _states = new(StringComparer.Ordinal);
    private IReadOnlyList<OaiqPixelVerification> _latest = [];
    private bool _keyMissingLogged;
    // The settings validated at start-up (AddVerification validates on start), kept for a later reload that is invalid.
    private OaiqVerificationOptions _lastValid = options.CurrentValue;
    private int _invalidLogged;

    public IReadOnlyList<OaiqPixelVerification> Latest => Volatile.Read(ref _latest);

    /// <summary>Whether checks cannot run for want of the Ads API key (log 305).</summary>
    public bool LacksKey => string.IsNullOrWhiteSpace(Settings.AdsApiKey);

    /// <summary>
    /// The settings in force. A reload that fails validation (the app's own settings file edited while it runs) makes
    /// <see cref="IOptionsMonitor{TOptions}.CurrentValue"/> throw: the check keeps the last valid settings and logs the
    /// problem once (log 309) rather than fault the host's background service.
    /// </summary>
    internal OaiqVerificationOptions Settings
    {
        get
        {
            try
            {
                // Read by the check's loop and by the support bundle's thread: published whole, logged once per change.
                var current = options.CurrentValue;
                Volatile.Write(ref _lastValid, current);
                Volatile.Write(ref _invalidLogged, 0);
                return current;
            }
            catch (OptionsValidationException e)
            {
                if (Interlocked.Exchange(ref _invalidLogged, 1) == 0)
                {
                    VerificationLog.InvalidReload(logger, e.Message);
                }

                return Volatile.Read(ref _lastValid);
            }
        }
    }

    /// <summary>The setting of the Ads API key as the app names it, for messages.</summary>
    public string KeySetting => OaiqVerificationOptionsValidator.Key(services, nameof(OaiqVerificationOptions.AdsApiKey));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        instrumentation.Observe(() => Latest);
        while (!stoppingToken.IsCancellationRequested)
        {
            var interval = Settings.Interval;
            var jitter = TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * interval.Ticks / 10));
            await Task.Delay(interval + jitter, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await CheckAllAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One round: each pixel in turn (the configured ones, then those the ledger saw, at most <see cref="PixelMetricTags.MaxDistinct"/>).</summary>
    internal async Task CheckAllAsync(CancellationToken cancellationToken)
    {
        if (LacksKey)
        {
            if (!_keyMissingLogged)
            {
                _keyMissingLogged = true;
                VerificationLog.NoAdsApiKey(logger, KeySetting);
            }

            return;
        }

        _keyMissingLogged = false;
        foreach (var pixelId in pixels.ConfiguredPixelIds().Concat(ledger.PixelIds).Distinct(StringComparer.Ordinal).Take(PixelMetricTags.MaxDistinct).ToList())
        {
            if (!_states.TryGetValue(pixelId, out var state))
            {
                _states[pixelId] = state = new PixelState();
            }

            if (state.Check == OaiqVerificationCheck.NotAvailable && timeProvider.GetUtcNow() - state.NotAvailableSince < NotAvailableRetry)
            {
                continue;
            }

            try
            {
                await CheckAsync(pixelId, state, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                VerificationLog.CheckFailed(logger, pixelId, ex);
            }
        }

        Volatile.Write(ref _latest, [.. _states.OrderBy(static s => s.Key, StringComparer.Ordinal).Where(static s => s.Value.Latest is not null).Select(static s => s.Value.Latest!)]);
    }

    private async Task CheckAsync(string pixelId, PixelState state, CancellationToken cancellationToken)
    {
        var answer = await stream.ReadAsync(Settings, pixelId, cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        instrumentation.Checked(answer.Check);
        var previous = state.Check;
        state.Check = answer.Check;
        switch (answer.Check)
        {
            case OaiqVerificationCheck.NotAvailable:
                if (previous != OaiqVerificationCheck.NotAvailable)
                {
                    VerificationLog.StreamNotAvailable(logger, pixelId, answer.StatusCode ?? 0, answer.Reason);
                }

                state.NotAvailableSince = now;
                state.Latest = new(pixelId, answer.Check, now, $"OpenAI's events stream is not enabled for this account (HTTP {answer.StatusCode}); this pixel is asked again in an hour.", state.ReportsServer, []);
                return;
            case OaiqVerificationCheck.Unauthorized:
                if (previous != OaiqVerificationCheck.Unauthorized)
                {
                    VerificationLog.StreamUnauthorized(logger, pixelId, answer.StatusCode ?? 0, answer.Reason, KeySetting);
                }

                state.Latest = new(pixelId, answer.Check, now, $"The events stream refused the key (HTTP {answer.StatusCode}): check {KeySetting}, the Ads API key (not the Conversions API key).", state.ReportsServer, []);
                return;
            case OaiqVerificationCheck.Failed:
                if (previous != OaiqVerificationCheck.Failed)
                {
                    VerificationLog.StreamFailed(logger, pixelId, answer.StatusCode, answer.Reason);
                }

                state.Latest = new(pixelId, answer.Check, now, "The events stream could not be read: " + answer.Reason, state.ReportsServer, state.Latest?.Legs ?? []);
                return;
        }

        if (previous is OaiqVerificationCheck.Failed or OaiqVerificationCheck.Unauthorized or OaiqVerificationCheck.NotAvailable)
        {
            VerificationLog.StreamRecovered(logger, pixelId);
        }

        state.ReportsServer |= answer.Rows.Any(static r => r.Leg == OaiqVerificationLeg.Server);
        var nowMs = now.ToUnixTimeMilliseconds();
        var entries = ledger.Snapshot(pixelId, LegComparison.WindowStart(answer.Rows, nowMs));
        var legs = LegComparison.Compare(entries, answer.Rows, nowMs, Settings.MinimumEvents, state.ReportsServer);
        VerificationLog.Checked(logger, pixelId, answer.Rows.Count, legs.Count);
        foreach (var leg in legs)
        {
            var key = (leg.Leg, leg.EventType);
            var legName = VerificationInstrumentation.LegName(leg.Leg);
            if (leg.Status == OaiqLegStatus.Stopped && state.Stopped.Add(key))
            {
                VerificationLog.LegStopped(logger, pixelId, leg.Arrived, leg.Expected, leg.EventType, legName, Hint(leg.Leg));
            }
            else if (leg.Status == OaiqLegStatus.Arriving && state.Stopped.Remove(key))
            {
                VerificationLog.LegBack(logger, pixelId, leg.EventType, legName, leg.Arrived, leg.Expected);
            }
        }

        state.Latest = new(pixelId, answer.Check, now, Describe(legs), state.ReportsServer, legs);
    }

    /// <summary>What to check when a leg stops, in the log line and the result's message.</summary>
    public static string Hint(OaiqVerificationLeg leg) => leg == OaiqVerificationLeg.Pixel
        ? "check the page's Content-Security-Policy (the SDK's script and its requests), the Pixel ID in the page, and that the pixel renders where the event is tracked."
        : "check the server leg's logs (100-135), ConversionsApi:ApiKey and that the Pixel ID is the key's.";

    /// <summary>The result's one sentence: the first stopped leg, or that every compared leg arrives.</summary>
    public static string Describe(IReadOnlyList<OaiqLegVerification> legs)
    {
        var stopped = legs.Where(static l => l.Status == OaiqLegStatus.Stopped).ToList();
        if (stopped.Count > 0)
        {
            return string.Join(" ", stopped.Select(static l => string.Create(CultureInfo.InvariantCulture,
                $"{l.Arrived} of the last {l.Expected} {l.EventType} arrived from the {VerificationInstrumentation.LegName(l.Leg)}: {Hint(l.Leg)}")));
        }

        return legs.Count == 0
            ? "Nothing rendered or delivered in the window the stream covers."
            : legs.Any(static l => l.Status == OaiqLegStatus.NotReported)
                ? "The pixel leg arrives; the stream does not list this pixel's Conversions API events, so the server leg is not compared."
                : "Every compared leg arrives.";
    }

    /// <summary>What the checker knows of one pixel; touched only by the check loop.</summary>
    private sealed class PixelState
    {
        public OaiqVerificationCheck Check { get; set; }

        public bool ReportsServer { get; set; }

        /// <summary>When the stream last answered "not enabled" (<see cref="NotAvailableRetry"/> counts from it).</summary>
        public DateTimeOffset NotAvailableSince { get; set; }

        public HashSet<(OaiqVerificationLeg, string)> Stopped { get; } = [];

        public OaiqPixelVerification? Latest { get; set; }
    }
}
