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

namespace OaiqPixel.AspNetCore.Tests.Verification;

/// <summary>The verification under hostile or broken conditions: a key straddling the cut, a stalled answer, a bad settings reload.</summary>
public sealed class VerificationHardeningTests
{
    private const string AdsKey = "sk-ads-FAKE-KEY-FOR-TESTS-ONLY-it-straddles-the-cut";

    [Fact]
    public async Task StreamError_KeyStraddlingTheTruncation_IsNotPartlyLeaked()
    {
        // 280 characters, then the key: were the message cut (300) before the key is redacted, its first 20 characters would survive.
        var body = "{\"error\":{\"code\":\"invalid_api_key\",\"message\":\"" + new string('x', 280) + AdsKey + "\"}}";
        var client = Client(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent(body) });

        var answer = await client.ReadAsync(new OaiqVerificationOptions { AdsApiKey = AdsKey }, "px_1", CancellationToken.None);

        Assert.Equal(OaiqVerificationCheck.Unauthorized, answer.Check);
        Assert.DoesNotContain(AdsKey[..16], answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamError_WithLineBreaks_IsOneLineOfText_AndTheKeyStaysRedacted()
    {
        // The reason reaches logs 302-304 and the health entry: a CR/LF or a Unicode line separator would forge a log line.
        var body = "{\"error\":{\"code\":\"invalid_api_key\\r\\n\",\"message\":\"refused " + AdsKey + "\\ninfo: forged\\u2028line\"}}";
        var client = Client(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent(body) });

        var answer = await client.ReadAsync(new OaiqVerificationOptions { AdsApiKey = AdsKey }, "px_1", CancellationToken.None);

        Assert.Equal("invalid_api_key  : refused [redacted] info: forged line", answer.Reason);
    }

    [Fact]
    public async Task StreamAnswer_StalledBody_DoesNotHoldTheCheckForever()
    {
        // Headers arrive, the body never does: HttpClient.Timeout ends with the headers (ResponseHeadersRead), and
        // EventStreamClient does not bound the body read, unlike ConversionsApiClient.
        var client = Client(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StalledStream()) }, TimeSpan.FromSeconds(1));

        var read = client.ReadAsync(new OaiqVerificationOptions { AdsApiKey = AdsKey }, "px_1", CancellationToken.None);

        var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(read, finished);
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
        return new EventStreamClient(new Factory(answer, timeout ?? TimeSpan.FromSeconds(30)));
    }

    private sealed class Factory(Func<HttpRequestMessage, HttpResponseMessage> answer, TimeSpan timeout) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new Handler(answer)) { Timeout = timeout };
    }

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
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
