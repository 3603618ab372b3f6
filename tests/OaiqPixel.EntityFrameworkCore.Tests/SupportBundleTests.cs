using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

namespace OaiqPixel.EntityFrameworkCore.Tests;

/// <summary>The support bundle of an app whose conversions go through the outbox.</summary>
public sealed class SupportBundleTests
{
    [Fact]
    public async Task Bundle_WithTheOutbox_HasItsCountsItsHealthAndTheDeliveriesAnswers()
    {
        // Arrange: three orders written to the outbox and delivered by one round.
        await using var h = await DispatcherHarness.StartAsync(DbProvider.Sqlite);
        h.Write(3);
        await h.RoundAsync();

        // Act
        using var document = JsonDocument.Parse(await h.Provider.GetOaiqSupportBundleAsync());
        var root = document.RootElement;

        // Assert
        var store = Assert.Single(root.GetProperty("stores").EnumerateArray());
        Assert.Equal("Outbox (the app's database)", store.GetProperty("name").GetString());
        Assert.Equal(0, store.GetProperty("pending").GetInt64());
        Assert.Equal(3, store.GetProperty("delivered").GetInt64());
        Assert.Equal(JsonValueKind.Null, store.GetProperty("error").ValueKind);
        var health = Assert.Single(root.GetProperty("health").EnumerateArray());
        Assert.Equal("oaiq_outbox", health.GetProperty("name").GetString());
        Assert.Equal(3, root.GetProperty("counts").GetProperty("delivered").GetInt64());
        Assert.Contains("OaiqPixel.EntityFrameworkCore", root.GetProperty("versions").GetProperty("packages").EnumerateObject().Select(p => p.Name));
        var outcome = Assert.Single(root.GetProperty("recent_outcomes").EnumerateArray());
        Assert.Equal(h.Api.Requests.Single().RequestId, outcome.GetProperty("request_id").GetString());
        Assert.Equal(3, outcome.GetProperty("events").GetInt32());
    }
}
