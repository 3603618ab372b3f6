using System.Text;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.AspNetCore.Verification;

namespace OaiqPixel.AspNetCore.Tests.Verification;

/// <summary>
/// The comparison of the verification: what the app rendered and delivered (the ledger) against one read of OpenAI's
/// events stream, per leg and event type, on a fake clock.
/// </summary>
public sealed class LegComparisonTests
{
    private const string Pixel = "px_verify";
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly LegLedger _ledger;

    public LegComparisonTests() => _ledger = new LegLedger(_time);

    [Fact]
    public void Compare_BothLegsListed_ReportsEachLegAndTypeAsArriving()
    {
        Render("order_created", 6);
        Deliver("order_created", 6);
        _time.Advance(TimeSpan.FromMinutes(5));

        var legs = Compare([.. Rows("order_created", OaiqVerificationLeg.Pixel, 4), .. Rows("order_created", OaiqVerificationLeg.Server, 6)], reportsServer: true);

        Assert.Collection(
            legs,
            pixel => Assert.Equal((OaiqVerificationLeg.Pixel, "order_created", 6, 4, OaiqLegStatus.Arriving), Tuple(pixel)),
            server => Assert.Equal((OaiqVerificationLeg.Server, "order_created", 6, 6, OaiqLegStatus.Arriving), Tuple(server)));
    }

    [Fact]
    public void Compare_NoPixelRows_StopsThePixelLegOnlyFromMinimumEvents()
    {
        Render("order_created", 5);
        Render("lead_created", 4);
        _time.Advance(TimeSpan.FromMinutes(5));

        var legs = Compare([.. Rows("order_created", OaiqVerificationLeg.Server, 5)], reportsServer: true);

        Assert.Equal((OaiqVerificationLeg.Pixel, "lead_created", 4, 0, OaiqLegStatus.Inconclusive), Tuple(legs[0]));
        Assert.Equal((OaiqVerificationLeg.Pixel, "order_created", 5, 0, OaiqLegStatus.Stopped), Tuple(legs[1]));
        Assert.Equal("0 of the last 5 order_created arrived from the pixel: " + VerificationChecker.Hint(OaiqVerificationLeg.Pixel), VerificationChecker.Describe(legs));
    }

    [Fact]
    public void Compare_StreamNeverListedServerRows_ReportsTheServerLegAsNotReported_NotMissing()
    {
        Deliver("order_created", 8);
        _time.Advance(TimeSpan.FromMinutes(5));

        var legs = Compare([], reportsServer: false);

        Assert.Equal((OaiqVerificationLeg.Server, "order_created", 8, 0, OaiqLegStatus.NotReported), Tuple(Assert.Single(legs)));
    }

    [Fact]
    public void Compare_RowsWithEventIds_PairsByIdInsteadOfCounting()
    {
        Render("order_created", 5);
        _time.Advance(TimeSpan.FromMinutes(5));

        // Five rows of the type, but only two carry ids of events this app rendered (the others are another app's).
        var rows = new List<StreamRow>
        {
            new("order_created", OaiqVerificationLeg.Pixel, "order_created_1", s_start.ToUnixTimeMilliseconds()),
            new("order_created", OaiqVerificationLeg.Pixel, "order_created_3", s_start.ToUnixTimeMilliseconds()),
            new("order_created", OaiqVerificationLeg.Pixel, "elsewhere_1", s_start.ToUnixTimeMilliseconds()),
            new("order_created", OaiqVerificationLeg.Pixel, "elsewhere_2", s_start.ToUnixTimeMilliseconds()),
            new("order_created", OaiqVerificationLeg.Pixel, "elsewhere_3", s_start.ToUnixTimeMilliseconds()),
        };

        Assert.Equal(2, Assert.Single(Compare(rows, reportsServer: false)).Arrived);
    }

    [Fact]
    public void Compare_EventsStillSettling_AreNotExpectedYet()
    {
        Render("order_created", 5);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Empty(Compare([], reportsServer: true));
    }

    [Fact]
    public void Compare_FullStream_ComparesOnlyTheWindowItStillCovers()
    {
        // Five orders rendered 10 minutes ago, then a busy stretch: a full stream (50 rows) lists only the last 2 minutes.
        Render("order_created", 5);
        _time.Advance(TimeSpan.FromMinutes(8));
        Render("contents_viewed", 1);
        var recent = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _time.Advance(TimeSpan.FromMinutes(2));
        var rows = Enumerable.Range(0, EventStreamClient.Limit).Select(i => new StreamRow("contents_viewed", OaiqVerificationLeg.Pixel, null, recent + i)).ToList();

        var legs = Compare(rows, reportsServer: true);

        // The old orders fall before the oldest listed row: not counted as missing.
        Assert.DoesNotContain(legs, l => l.EventType == "order_created");
    }

    [Fact]
    public void Compare_FullStreamStampedInTheFuture_StillSeesALegThatStopped()
    {
        // Orders rendered 5 minutes ago, none arrived; a full stream whose rows carry times after the read (a broken clock).
        Render("order_created", 5);
        _time.Advance(TimeSpan.FromMinutes(5));
        var future = _time.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds();
        var rows = Enumerable.Range(0, EventStreamClient.Limit).Select(i => new StreamRow("contents_viewed", OaiqVerificationLeg.Pixel, null, future + i)).ToList();

        var legs = Compare(rows, reportsServer: true);

        // The future rows do not narrow the window to nothing: the orders are compared, and none arrived.
        var orders = Assert.Single(legs, l => l.EventType == "order_created" && l.Leg == OaiqVerificationLeg.Pixel);
        Assert.Equal(0, orders.Arrived);
    }

    [Fact]
    public void Ledger_IsBoundedPerPixelAndInPixels()
    {
        Render("order_created", LegLedger.Capacity + 100);
        for (var i = 0; i < PixelMetricTags.MaxDistinct + 5; i++)
        {
            _ledger.Rendered([Pixel + "_" + i], Event("order_created", "o" + i));
        }

        Assert.Equal(LegLedger.Capacity, _ledger.Snapshot(Pixel, 0).Count);
        Assert.Equal(PixelMetricTags.MaxDistinct, _ledger.PixelIds.Count);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"data\":\"nope\"}")]
    [InlineData("42")]
    [InlineData("")]
    public void ParseRows_AnswerWithoutAList_IsUnreadable_NotAnException(string body) =>
        Assert.Null(EventStreamClient.ParseRows(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void ParseRows_EveryFieldIsOptional()
    {
        var rows = EventStreamClient.ParseRows("""
            {"data":[{},{"event_type":7,"api_channel":"fax"},"text",{"event_type":"order_created","api_channel":"server_to_server","received_at_ms":"1764583200000"},
            {"event_type":"lead_created","api_channel":"pixel_sdk","event_timestamp_ms":1764583200001,"event_id":"lead_1"}]}
            """u8);

        Assert.NotNull(rows);
        Assert.Equal(
            [new StreamRow(null, null, null, null), new StreamRow(null, null, null, null), new StreamRow("order_created", OaiqVerificationLeg.Server, null, 1764583200000), new StreamRow("lead_created", OaiqVerificationLeg.Pixel, "lead_1", 1764583200001)],
            rows);
    }

    private List<OaiqLegVerification> Compare(IReadOnlyList<StreamRow> rows, bool reportsServer)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return LegComparison.Compare(_ledger.Snapshot(Pixel, LegComparison.WindowStart(rows, now)), rows, now, minimumEvents: 5, reportsServer);
    }

    private void Render(string type, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _ledger.Rendered([Pixel], Event(type, type + "_" + i));
        }
    }

    private void Deliver(string type, int count)
    {
        var records = Enumerable.Range(0, count).Select(i => ConversionEventRecord.Create(Event(type, type + "_" + i), Pixel)).ToArray();
        _ledger.Delivered(records);
    }

    private ConversionEvent Event(string type, string id) =>
        new(type == "order_created" ? OaiqEvent.OrderCreated(Money.FromMinorUnits(100, "USD")) : OaiqEvent.Create(type), id, _time.GetUtcNow());

    private IEnumerable<StreamRow> Rows(string type, OaiqVerificationLeg leg, int count) =>
        Enumerable.Range(0, count).Select(_ => new StreamRow(type, leg, null, s_start.ToUnixTimeMilliseconds()));

    private static (OaiqVerificationLeg, string, int, int, OaiqLegStatus) Tuple(OaiqLegVerification leg) => (leg.Leg, leg.EventType, leg.Expected, leg.Arrived, leg.Status);
}
