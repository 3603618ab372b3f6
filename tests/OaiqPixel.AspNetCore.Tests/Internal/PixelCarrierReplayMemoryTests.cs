using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Cookies;
using OaiqPixel.AspNetCore.Rendering;
using OaiqPixel.AspNetCore.ServerViews;
using OaiqPixel.AspNetCore.Tracking;

namespace OaiqPixel.AspNetCore.Tests.Internal;

public sealed class PixelCarrierReplayMemoryTests
{
    [Fact]
    public void TryConsume_WhenTheMemoryIsFull_StaysBounded_AndFreesExpiredEntries()
    {
        // Arrange: remember the maximum number of live carriers.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var carrier = new PixelCarrier(new EphemeralDataProtectionProvider(), time);
        for (var i = 0; i < PixelCarrier.MaxRemembered; i++)
        {
            Assert.True(carrier.TryConsume("carrier-" + i));
        }

        // Act + Assert: full of live entries, a new carrier renders but is not remembered (memory first).
        Assert.True(carrier.TryConsume("overflow"));
        Assert.True(carrier.TryConsume("overflow"));

        // Once the remembered carriers have expired, a sweep frees them and replays are refused again.
        time.Advance(PixelCarrier.Lifetime + TimeSpan.FromSeconds(2));
        Assert.True(carrier.TryConsume("fresh"));
        Assert.False(carrier.TryConsume("fresh"));
    }
}
