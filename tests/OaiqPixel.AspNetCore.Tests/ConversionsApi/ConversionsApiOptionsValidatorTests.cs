using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

public sealed class ConversionsApiOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(OaiqTrackingOptions options) => new OaiqTrackingOptionsValidator().Validate(null, options);

    private static OaiqTrackingOptions Valid() => new()
    {
        PixelId = "px_1",
        ConversionsApi = { ApiKey = "sk-svcacct-abc" },
    };

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(Validate(new OaiqTrackingOptions { PixelId = "px_1" }).Succeeded);
        Assert.True(Validate(Valid()).Succeeded);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "MaxBatchSize=0", "MaxBatchSize must be between 1 and 1000" },
        { "MaxBatchSize=1001", "MaxBatchSize must be between 1 and 1000" },
        { "MaxQueueSize=10", "MaxQueueSize must be at least MaxBatchSize" },
        { "FlushInterval=0", "FlushInterval must be positive" },
        { "ShutdownTimeout=-1", "ShutdownTimeout must be positive" },
        { "RequestTimeout=0", "RequestTimeout must be positive" },
        { "TotalRequestTimeout=5", "TotalRequestTimeout (00:00:05) must be longer than RequestTimeout" },
        { "MaxRetryAttempts=0", "MaxRetryAttempts must be between 1 and 100" },
        { "BaseAddress=http://bzr.openai.com/", "must use https" },
        { "BaseAddress=https://bzr.openai.com/?x=1", "without user info, query or fragment" },
        { "BaseAddress=https://proxyuser:sk-svcacct-abc@bzr.openai.com/", "without user info, query or fragment" },
        { "BaseAddress=https://bzr.openai.com/?token=sk-svcacct-abc", "the API key goes in Oaiq:ConversionsApi:ApiKey" },
        { "IntegrationSource=-bad source", "IntegrationSource must be 1-64 ASCII characters" },
        { "BaseAddress=https://bzr.openai.com/v1/events", "Oaiq:ConversionsApi:BaseAddress is the API origin, e.g. https://bzr.openai.com/; the library appends v1/events. It is https://bzr.openai.com/v1/events, which would post to https://bzr.openai.com/v1/events/v1/events: remove /v1/events from it." },
        { "BaseAddress=https://bzr.openai.com/v1/events/", "which would post to https://bzr.openai.com/v1/events/v1/events: remove /v1/events from it." },
        { "BaseAddress=https://bzr.openai.com/V1/Events", "remove /V1/Events from it." },
        { "BaseAddress=https://bzr.openai.com/v1", "which would post to https://bzr.openai.com/v1/v1/events: remove /v1 from it." },
        { "BaseAddress=https://bzr.openai.com/v1/", "which would post to https://bzr.openai.com/v1/v1/events: remove /v1 from it." },
        { "BaseAddress=https://sandbox.example.com/capi/v1/events", "the library appends v1/events" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_BadSetting_FailsWithAMessageThatSaysWhatToSet(string setting, string expected)
    {
        var options = Valid();
        var (name, value) = (setting.Split('=')[0], setting.Split('=', 2)[1]);
        var api = options.ConversionsApi;
        switch (name)
        {
            case "MaxBatchSize": api.MaxBatchSize = int.Parse(value); break;
            case "MaxQueueSize": api.MaxQueueSize = int.Parse(value); break;
            case "FlushInterval": api.FlushInterval = TimeSpan.FromSeconds(int.Parse(value)); break;
            case "ShutdownTimeout": api.ShutdownTimeout = TimeSpan.FromSeconds(int.Parse(value)); break;
            case "RequestTimeout": api.RequestTimeout = TimeSpan.FromSeconds(int.Parse(value)); break;
            case "TotalRequestTimeout": api.TotalRequestTimeout = TimeSpan.FromSeconds(int.Parse(value)); break;
            case "MaxRetryAttempts": api.MaxRetryAttempts = int.Parse(value); break;
            case "BaseAddress": api.BaseAddress = new Uri(value); break;
            case "IntegrationSource": api.IntegrationSource = value; break;
        }

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-svcacct-abc", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://bzr.openai.com/")]
    [InlineData("https://bzr.openai.com")]
    [InlineData("https://sandbox.example.com/capi/")]
    [InlineData("https://sandbox.example.com/v1events/")]
    [InlineData("https://sandbox.example.com/v1/capi/")]
    public void Validate_BaseAddressWithoutTheAppendedPath_Succeeds(string baseAddress)
    {
        var options = Valid();
        options.ConversionsApi.BaseAddress = new Uri(baseAddress);

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Validate_MissingPixelIdWithAKey_Passes()
    {
        // Tracking is then off, with a warning at start-up (log 70) instead of a stopped host.
        var options = Valid();
        options.PixelId = null;

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Validate_MalformedPixelIdWithAKey_IsStatedOnce()
    {
        var options = Valid();
        options.PixelId = "px 1";

        var result = Validate(options);
        Assert.Single(result.Failures!, f => f.Contains("PixelId", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HttpLoopbackBaseAddress_IsAllowedForALocalSandbox()
    {
        var options = Valid();
        options.ConversionsApi.BaseAddress = new Uri("http://127.0.0.1:5099/");

        Assert.True(Validate(options).Succeeded);
    }

    [Theory]
    [InlineData("https://bzr.openai.com", "px 1", "https://bzr.openai.com/v1/events?pid=px%201")]
    [InlineData("https://sandbox.example.com/capi", "px_1", "https://sandbox.example.com/capi/v1/events?pid=px_1")]
    [InlineData("https://sandbox.example.com/capi/", "px_1", "https://sandbox.example.com/capi/v1/events?pid=px_1")]
    public void BuildEventsUri_KeepsTheBasePathAndEscapesThePixelId(string baseAddress, string pixelId, string expected) =>
        Assert.Equal(expected, ConversionsApiClient.BuildEventsUri(new Uri(baseAddress), pixelId).AbsoluteUri);
}
