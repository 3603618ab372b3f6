using System.Net;

namespace OaiqPixel.Testing.Tests;

public sealed class PoisonEventTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task PoisonEvent_AtAChosenPosition_FailsTheWholeBatch(int position)
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions
        {
            PoisonEvent = e => e.GetProperty("id").GetString()!.StartsWith("poison", StringComparison.Ordinal),
        });
        using var client = api.CreateClient();
        var now = Payloads.NowMs;
        var events = Enumerable.Range(0, 5).Select(i => Payloads.Event("order", now, i == position ? "poison" : "ok" + i)).ToArray();

        var result = await client.PostEventsAsync(api, events);

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal($"events[{position}]: rejected by the PoisonEvent predicate", result.ErrorMessage);
        Assert.Empty(api.Events);
    }

    [Fact]
    public async Task PoisonEvent_SetAndClearedAtRunTime_AppliesInBetween()
    {
        await using var api = await FakeConversionsApi.StartAsync();
        using var client = api.CreateClient();

        api.PoisonEvent = e => e.GetProperty("type").GetString() == "lead_created";
        var refused = await client.PostEventsAsync(api, Payloads.Event("order"), Payloads.Event("lead"));
        api.PoisonEvent = null;
        var accepted = await client.PostEventsAsync(api, Payloads.Event("order"), Payloads.Event("lead"));

        Assert.Equal("events[1]: rejected by the PoisonEvent predicate", refused.ErrorMessage);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(2, api.Events.Count);
    }

    [Fact]
    public async Task PoisonEvent_StructurallyInvalidEvent_IsReportedBeforeThePredicateRuns()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions { PoisonEvent = _ => true });
        using var client = api.CreateClient();
        var bad = Payloads.Event("order");
        bad.Remove("id");

        var result = await client.PostEventsAsync(api, bad);

        Assert.Equal("events[0].id: required", result.ErrorMessage);
    }

    [Fact]
    public async Task PoisonEvent_PredicateThrows_BecomesAVisible500()
    {
        await using var api = await FakeConversionsApi.StartAsync(new FakeConversionsApiOptions
        {
            PoisonEvent = _ => throw new InvalidOperationException("boom"),
        });
        using var client = api.CreateClient();

        var result = await client.PostEventsAsync(api, Payloads.Event("order"));

        Assert.Equal(HttpStatusCode.InternalServerError, result.Status);
        Assert.Equal("PoisonEvent predicate threw: boom", result.ErrorMessage);
        Assert.Empty(api.Events);
    }
}
