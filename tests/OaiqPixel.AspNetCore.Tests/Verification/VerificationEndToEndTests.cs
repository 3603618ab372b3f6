using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Tests.TestApps;
using OaiqPixel.AspNetCore.Verification;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.Verification;

/// <summary>
/// The acceptance of the production verification, end to end through a real host: pages render orders, the real sender
/// delivers them to OaiqPixel.Testing's fake, whose events stream lists them; the check reads the stream on a fake clock
/// and reports through <see cref="IOaiqVerification"/>, the metrics, the health check and the log.
/// </summary>
public sealed class VerificationEndToEndTests
{
    private const int Orders = 5;
    private static readonly TimeSpan s_interval = TimeSpan.FromMinutes(5);

    private readonly TimerTrackingTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task BothLegsArriving_IsHealthy()
    {
        await using var api = await StartApiAsync();
        await using var app = await StartAppAsync(api);
        foreach (var call in await RenderOrdersAsync(app, api))
        {
            // The browser's SDK would do this: its events appear in the stream as pixel_sdk rows.
            api.AddPixelEvent(call.EventName!);
        }

        var result = await CheckAsync(app, round: 1);

        Assert.Equal(OaiqVerificationCheck.Completed, result.Check);
        Assert.True(result.StreamReportsServerLeg);
        Assert.Contains(result.Legs, l => (l.Leg, l.EventType, l.Expected, l.Arrived) == (OaiqVerificationLeg.Pixel, "order_created", Orders, Orders));
        Assert.Contains(result.Legs, l => (l.Leg, l.EventType, l.Expected, l.Arrived) == (OaiqVerificationLeg.Server, "order_created", Orders, Orders));
        Assert.All(result.Legs, l => Assert.Equal(OaiqLegStatus.Arriving, l.Status));
        var health = await HealthAsync(app);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 300);
        Assert.DoesNotContain(api.AdsApiKey, health.Description);
    }

    [Fact]
    public async Task PixelLegStopped_TheMetricTheHealthEntryAndTheLogSaySo_Once()
    {
        await using var api = await StartApiAsync();
        await using var app = await StartAppAsync(api);
        using var stopped = new MetricCollector<int>(app.Services.GetRequiredService<IMeterFactory>(), OaiqTelemetry.MeterName, "oaiq.verification.legs.stopped");
        using var arrived = new MetricCollector<int>(app.Services.GetRequiredService<IMeterFactory>(), OaiqTelemetry.MeterName, "oaiq.verification.events.arrived");
        await RenderOrdersAsync(app, api);

        // No pixel_sdk rows: the stream lists only what the server leg delivered (a CSP blocking the SDK, a wrong Pixel ID).
        var result = await CheckAsync(app, round: 1);

        var pixelLeg = Assert.Single(result.Legs, l => l.Leg == OaiqVerificationLeg.Pixel);
        Assert.Equal(("order_created", Orders, 0, OaiqLegStatus.Stopped), (pixelLeg.EventType, pixelLeg.Expected, pixelLeg.Arrived, pixelLeg.Status));
        Assert.All(result.Legs.Where(l => l.Leg == OaiqVerificationLeg.Server), l => Assert.Equal(OaiqLegStatus.Arriving, l.Status));

        stopped.RecordObservableInstruments();
        arrived.RecordObservableInstruments();
        Assert.Equal(1, Single(stopped, "pixel", "order_created"));
        Assert.Equal(0, Single(arrived, "pixel", "order_created"));
        Assert.Equal(Orders, Single(arrived, "server", "order_created"));

        var health = await HealthAsync(app);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains($"pixel {TestApp.PixelId}: 0 of the last {Orders} order_created arrived from the pixel: check the page's Content-Security-Policy", health.Description, StringComparison.Ordinal);

        var log = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 300);
        Assert.Equal($"OpenAI Ads verification, pixel {TestApp.PixelId}: 0 of the last {Orders} order_created arrived from the pixel: {VerificationChecker.Hint(OaiqVerificationLeg.Pixel)}", log.Message);

        // Once per change: the next check finds the same and logs nothing more.
        await CheckAsync(app, round: 2);
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 300);

        // The CSP is fixed: later orders arrive from the pixel too, and the log says it came back, once.
        foreach (var call in await RenderOrdersAsync(app, api, "later_"))
        {
            api.AddPixelEvent(call.EventName!);
        }

        var back = await CheckAsync(app, round: 3);
        Assert.All(back.Legs, l => Assert.Equal(OaiqLegStatus.Arriving, l.Status));
        var comeBack = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 301);
        Assert.Equal($"OpenAI Ads verification, pixel {TestApp.PixelId}: order_created arrives from the pixel again ({Orders} of the last {Orders}).", comeBack.Message);
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(app)).Status);
    }

    [Fact]
    public async Task FeatureNotEnabled_LogsOnce_AndSendsNoMoreRequests()
    {
        await using var api = await StartApiAsync(available: false);
        await using var app = await StartAppAsync(api);

        await AdvanceToCheckAsync(round: 1);
        var log = await Wait.ForAsync(() => app.Logs.GetSnapshot().FirstOrDefault(r => r.Id.Id == 302), "log 302");
        Assert.Contains("422: feature_not_available", log.Message, StringComparison.Ordinal);

        // Two more rounds of the check (each re-arms its timer): neither asks the stream again.
        await AdvanceToCheckAsync(round: 2);
        await AdvanceToCheckAsync(round: 3);
        await WaitForCheckTimersAsync(4);
        Assert.Single(api.Requests, r => r.Path == "/v1/conversions/events");
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 302);
        Assert.Equal(OaiqVerificationCheck.NotAvailable, Assert.Single(app.Services.GetRequiredService<IOaiqVerification>().Latest).Check);
        Assert.Equal(HealthStatus.Degraded, (await HealthAsync(app)).Status);
    }

    [Fact]
    public async Task FeatureNotEnabled_IsAskedAgainAfterAnHour_AndAStreamEnabledLaterIsRead()
    {
        await using var api = await StartApiAsync(available: false);
        await using var app = await StartAppAsync(api);
        var verification = app.Services.GetRequiredService<IOaiqVerification>();
        await AdvanceToCheckAsync(round: 1);
        await Wait.ForAsync(() => app.Logs.GetSnapshot().FirstOrDefault(r => r.Id.Id == 302), "log 302");

        // An hour later (one long wait of the check's timer): asked again, still not enabled, not logged again.
        await WaitForCheckTimersAsync(2);
        _time.Advance(VerificationChecker.NotAvailableRetry);
        await Wait.UntilAsync(() => api.Requests.Count(r => r.Path == "/v1/conversions/events") == 2, "the second request to the stream");
        await WaitForCheckTimersAsync(3);
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 302);
        Assert.Equal(OaiqVerificationCheck.NotAvailable, Assert.Single(verification.Latest).Check);

        // OpenAI enables the stream: the next hour's check reads it, and the log says so once.
        api.EventStreamAvailable = true;
        _time.Advance(VerificationChecker.NotAvailableRetry);
        var now = _time.GetUtcNow();
        var result = await Wait.ForAsync(() => verification.Latest.FirstOrDefault(p => p.CheckedAt == now), "the check after the stream was enabled");

        Assert.Equal(OaiqVerificationCheck.Completed, result.Check);
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 307);
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 302);
    }

    [Fact]
    public async Task KeyRefused_LogsOnceNamingTheSetting_AndTheHealthEntrySaysSo()
    {
        await using var api = await StartApiAsync();
        // A revoked or another account's key (the Conversions API key itself is refused at start-up).
        const string WrongKey = "sk-ads-revoked-0042";
        await using var app = await StartAppAsync(api, adsApiKey: WrongKey);

        await AdvanceToCheckAsync(round: 1);
        var log = await Wait.ForAsync(() => app.Logs.GetSnapshot().FirstOrDefault(r => r.Id.Id == 303), "log 303");
        await AdvanceToCheckAsync(round: 2);
        await WaitForCheckTimersAsync(3);

        Assert.Contains("Check OaiqVerificationOptions.AdsApiKey: it takes the Ads API key, not the Conversions API key.", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey, log.Message, StringComparison.Ordinal);
        Assert.Equal(2, api.Requests.Count(r => r.Path == "/v1/conversions/events"));
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 303);
        var health = await HealthAsync(app);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.DoesNotContain(WrongKey, health.Description, StringComparison.Ordinal);
    }

    private Task<FakeConversionsApi> StartApiAsync(bool available = true) =>
        FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { PixelId = TestApp.PixelId, TimeProvider = _time, EventStreamAvailable = available });

    private Task<TestApp> StartAppAsync(FakeConversionsApi api, string? adsApiKey = null) =>
        TestApp.StartAsync(
            configure: options =>
            {
                options.ConversionsApi.ApiKey = api.ApiKey;
                options.ConversionsApi.BaseAddress = api.BaseAddress;
                options.ConversionsApi.MaxBatchSize = 1;
            },
            services: services =>
            {
                // The real server leg, on the fake clock the fake API shares.
                services.RemoveAll<IConversionEventStore>();
                services.AddSingleton<IConversionEventStore>(sp => sp.GetRequiredService<ConversionEventQueue>());
                services.AddSingleton<TimeProvider>(_time);
                services.AddOaiqTracking().AddVerification(v =>
                {
                    v.AdsApiKey = adsApiKey ?? api.AdsApiKey;
                    v.BaseAddress = api.BaseAddress;
                    v.Interval = s_interval;
                });
                services.AddHealthChecks().AddOaiqVerification();
            });

    /// <summary>Renders <see cref="Orders"/> pages with an order each; returns their pixel events once the server leg delivered them.</summary>
    private static async Task<List<PixelCall>> RenderOrdersAsync(TestApp app, FakeConversionsApi api, string prefix = "order_")
    {
        var before = api.Events.Count;
        var calls = new List<PixelCall>();
        using var client = app.CreateClient();
        for (var i = 0; i < Orders; i++)
        {
            var id = prefix + i;
            app.Scenario.Record = (tracker, _) => tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), eventId: id);
            var document = await TestApp.ParseAsync(await client.GetAsync("/page"));
            calls.AddRange(PixelCall.Parse(document.QuerySelector("script")!.TextContent).Where(c => c.EventName is not null));
        }

        Assert.Equal(Orders, calls.Count(c => c.EventName == "order_created"));
        await api.WaitForEventsAsync(before + calls.Count, Wait.DefaultTimeout);
        return calls;
    }

    /// <summary>Runs check round <paramref name="round"/> and returns the pixel's result once it is published.</summary>
    private async Task<OaiqPixelVerification> CheckAsync(TestApp app, int round)
    {
        await AdvanceToCheckAsync(round);
        var verification = app.Services.GetRequiredService<IOaiqVerification>();
        var now = _time.GetUtcNow();
        return await Wait.ForAsync(
            () => verification.Latest.FirstOrDefault(p => p.CheckedAt == now),
            $"check round {round}",
            () => string.Join(", ", verification.Latest.Select(p => $"{p.PixelId} {p.Check} at {p.CheckedAt:O}")));
    }

    /// <summary>Waits until the check waits on the clock for its round, then moves the clock past its interval and jitter.</summary>
    private async Task AdvanceToCheckAsync(int round)
    {
        await WaitForCheckTimersAsync(round);
        _time.Advance(s_interval + (s_interval / 10));
    }

    private Task WaitForCheckTimersAsync(int count) =>
        Wait.UntilAsync(
            () => _time.TimerDueTimes.Count(d => d >= s_interval && d <= s_interval + (s_interval / 10)) >= count,
            $"the verification's timer number {count}",
            () => "timers due in " + string.Join(", ", _time.TimerDueTimes));

    private static async Task<HealthReportEntry> HealthAsync(TestApp app) =>
        (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[OaiqVerificationHealthChecksBuilderExtensions.DefaultName];

    private static int Single(MetricCollector<int> collector, string leg, string eventType) =>
        Assert.Single(collector.GetMeasurementSnapshot(), m =>
            Equals(m.Tags["oaiq.verification.leg"], leg) && Equals(m.Tags["oaiq.event.type"], eventType) && Equals(m.Tags["oaiq.pixel"], TestApp.PixelId)).Value;
}
