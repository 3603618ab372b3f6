using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>The one rule for "too old" (<see cref="ConversionEventRecord.IsTooOld"/>) that the delivery and both replays use.</summary>
public sealed class RecordAgeTests
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void IsTooOld_ExactlyMaxAgeOld_IsStillSendable_OneMillisecondMoreIsNot()
    {
        var record = ConversionEventRecord.Create(TestEvents.Order("order_1", s_at), "px_a");

        Assert.False(record.IsTooOld(s_at + ConversionEventRecord.MaxAge));
        Assert.True(record.IsTooOld(s_at + ConversionEventRecord.MaxAge + TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void OldestSendable_IsNowLessMaxAge_TenMinutesInsideTheApisSevenDays()
    {
        var now = s_at + TimeSpan.FromDays(8);

        Assert.Equal(now - TimeSpan.FromDays(7) + TimeSpan.FromMinutes(10), ConversionEventRecord.OldestSendable(now));
    }
}
