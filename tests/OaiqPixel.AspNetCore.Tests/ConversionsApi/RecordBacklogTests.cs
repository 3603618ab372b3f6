using OaiqPixel.AspNetCore.ConversionsApi;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>The queue's store: bounded, in order, and byte for byte the same after a backlog is compacted.</summary>
public class RecordBacklogTests
{
    private static ConversionEventRecord Record(int i) => ConversionEventRecord.Create(
        new ConversionEvent(OaiqEvent.OrderCreated(Money.FromMinorUnits(100 + i, "USD")), $"order_{i}", DateTimeOffset.UnixEpoch.AddMinutes(i))
        {
            SourceUrl = "https://shop.example/checkout",
            Oppref = "gAAAAA_click_" + i,
            User = UserData.FromEmail($"c{i}@example.com"),
        },
        i % 3 == 0 ? "px_a" : "px_b");

    [Fact]
    public void CompactedBacklog_GivesBackEveryRecordInOrder_ByteForByte()
    {
        var backlog = new RecordBacklog(capacity: 10_000, keepUncompacted: 100);
        var added = Enumerable.Range(0, 3_000).Select(Record).ToArray();
        foreach (var record in added)
        {
            Assert.True(backlog.TryAdd(record));
        }

        backlog.CompactNow();
        Assert.Equal(3_000, backlog.Count);
        Assert.True(backlog.OutsideChannel >= 3_000 - 100 - RecordBacklog.RunLength, $"only {backlog.OutsideChannel} records were compacted");

        for (var i = 0; i < added.Length; i++)
        {
            Assert.True(backlog.TryTake(out var taken));
            Assert.Equal(added[i].Id, taken.Id);
            Assert.Equal(added[i].PixelId, taken.PixelId);
            Assert.Equal(added[i].EventType, taken.EventType);
            Assert.Equal(added[i].Timestamp, taken.Timestamp);
            Assert.True(added[i].Json.Span.SequenceEqual(taken.Json.Span), $"record {i} changed in compaction");
        }

        Assert.False(backlog.TryTake(out _));
        Assert.Equal(0, backlog.Count);
        Assert.Equal(0, backlog.OutsideChannel);
    }

    [Fact]
    public void Capacity_CountsCompactedRecords()
    {
        var backlog = new RecordBacklog(capacity: 1_000, keepUncompacted: 10);
        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(backlog.TryAdd(Record(i)));
        }

        backlog.CompactNow();
        Assert.True(backlog.OutsideChannel > 0);
        Assert.False(backlog.TryAdd(Record(1_000)));

        Assert.True(backlog.TryTake(out var first));
        Assert.Equal("order_0", first.Id);
        Assert.True(backlog.TryAdd(Record(1_001)));
        Assert.False(backlog.TryAdd(Record(1_002)));
    }

    [Fact]
    public async Task WaitToRead_SeesCompactedRecords_WhenTheChannelIsEmpty_AndEndsAfterCompleteAndDrain()
    {
        var backlog = new RecordBacklog(capacity: 1_000, keepUncompacted: 0);
        for (var i = 0; i < RecordBacklog.RunLength + 1; i++)
        {
            backlog.TryAdd(Record(i));
        }

        backlog.CompactNow();
        backlog.Complete();
        Assert.False(backlog.TryAdd(Record(999)));

        var taken = 0;
        while (await backlog.WaitToReadAsync(CancellationToken.None))
        {
            while (backlog.TryTake(out _))
            {
                taken++;
            }
        }

        Assert.Equal(RecordBacklog.RunLength + 1, taken);
    }

    [Fact]
    public async Task BackgroundCompaction_RunsWhileRecordsAreAdded_AndKeepsTheOrder()
    {
        var backlog = new RecordBacklog(capacity: 100_000, keepUncompacted: 500);
        for (var i = 0; i < 20_000; i++)
        {
            Assert.True(backlog.TryAdd(Record(i)));
        }

        // Positive marker: the thread-pool compactor took runs out of the channel without being asked.
        await Wait.UntilAsync(() => backlog.OutsideChannel > 0, "the backlog compacted in the background", () => "nothing compacted");

        var taker = Task.Run(async () =>
        {
            var next = 0;
            while (await backlog.WaitToReadAsync(CancellationToken.None))
            {
                while (backlog.TryTake(out var record))
                {
                    Assert.Equal($"order_{next++}", record.Id);
                }
            }

            return next;
        });

        for (var i = 20_000; i < 30_000; i++)
        {
            Assert.True(backlog.TryAdd(Record(i)));
        }

        backlog.Complete();
        Assert.Equal(30_000, await taker);
    }
}
