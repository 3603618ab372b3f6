using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Diagnostics;
using OaiqPixel.AspNetCore.Verification;

namespace OaiqPixel.AspNetCore.Tests.Review;

/// <summary>Security review findings: each test FAILS on the reviewed tree and shows a real bug.</summary>
public sealed class ReviewFindingsTests
{
    private const string AdsKey = "sk-ads-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH";

    [Fact]
    public async Task StreamError_KeyStraddlingTheTruncation_IsNotPartlyLeaked()
    {
        // 280 characters, then the key: Truncate (300) runs before Redact, so the key's first 20 characters survive.
        var body = "{\"error\":{\"code\":\"invalid_api_key\",\"message\":\"" + new string('x', 280) + AdsKey + "\"}}";
        var client = Client(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent(body) });

        var answer = await client.ReadAsync("px_1", CancellationToken.None);

        Assert.Equal(OaiqVerificationCheck.Unauthorized, answer.Check);
        Assert.DoesNotContain(AdsKey[..16], answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAnswer_StalledBody_DoesNotHoldTheCheckForever()
    {
        // Headers arrive, the body never does: HttpClient.Timeout ends with the headers (ResponseHeadersRead), and
        // EventStreamClient does not bound the body read, unlike ConversionsApiClient.
        var client = Client(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StalledStream()) }, TimeSpan.FromSeconds(1));

        var read = client.ReadAsync("px_1", CancellationToken.None);

        var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(read, finished);
    }

    [Fact]
    public void SupportBundleOutcome_NoKeyForAPixel_DoesNotNameThePixel()
    {
        var ring = new RecentOutcomes(TimeProvider.System);

        // What ConversionsApiClient.SendAsync returns when a pixel has no key (ConversionsApiClient.cs:44).
        ring.Add(new SendResult(SendOutcome.Unauthorized, null, "no Conversions API key is configured for pixel px_secret_pixel_42", null, null), eventCount: 1);

        Assert.DoesNotContain("px_secret_pixel_42", Assert.Single(ring.Snapshot()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SupportBundleOutcome_QuoteCutByTheTruncation_IsStillMasked()
    {
        var ring = new RecentOutcomes(TimeProvider.System);

        // ConversionsApiClient truncates at 500 characters and appends "…": the closing quote is gone, so Mask misses the oppref.
        ring.Add(new SendResult(SendOutcome.Rejected, 400, "Invalid oppref \"gAAAA-secret-click-id…", null, null), eventCount: 1);

        Assert.DoesNotContain("gAAAA-secret-click-id", Assert.Single(ring.Snapshot()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerificationSettings_ReloadedInvalid_DoNotBreakTheCheck()
    {
        // A hot reload of appsettings with an invalid value (here Interval below the minimum): IOptionsMonitor.CurrentValue
        // throws OptionsValidationException, which CheckAllAsync (LacksKey) and ExecuteAsync (Interval) do not catch, so the
        // BackgroundService faults and, with the default BackgroundServiceExceptionBehavior.StopHost, the app stops.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tracking:PixelId"] = "px_review",
            ["Tracking:Verification:AdsApiKey"] = AdsKey,
        });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Tracking")).AddVerification();
        await using var app = builder.Build();
        await app.StartAsync();

        app.Configuration["Tracking:Verification:Interval"] = "00:00:05";
        try
        {
            ((IConfigurationRoot)app.Configuration).Reload();
        }
        catch (AggregateException)
        {
            // An OnChange listener's own OptionsValidationException (a file reload raises it on a background task).
        }

        var checker = app.Services.GetRequiredService<VerificationChecker>();
        var ex = await Record.ExceptionAsync(() => checker.CheckAllAsync(CancellationToken.None));
        Assert.Null(ex);
    }

    private static EventStreamClient Client(Func<HttpRequestMessage, HttpResponseMessage> answer, TimeSpan? timeout = null)
    {
        var options = new OaiqVerificationOptions { AdsApiKey = AdsKey };
        return new EventStreamClient(new Factory(answer, timeout ?? TimeSpan.FromSeconds(30)), new Monitor(options));
    }

    private sealed class Factory(Func<HttpRequestMessage, HttpResponseMessage> answer, TimeSpan timeout) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new Handler(answer)) { Timeout = timeout };
    }

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }

    private sealed class Monitor(OaiqVerificationOptions value) : IOptionsMonitor<OaiqVerificationOptions>
    {
        public OaiqVerificationOptions CurrentValue => value;

        public OaiqVerificationOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OaiqVerificationOptions, string?> listener) => null;
    }

    private sealed class StalledStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
