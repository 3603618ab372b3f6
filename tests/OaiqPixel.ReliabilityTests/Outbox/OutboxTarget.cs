using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OaiqPixel.ReliabilityTests.Infrastructure;

namespace OaiqPixel.ReliabilityTests.Outbox;

/// <summary>
/// <c>dotnet OaiqPixel.ReliabilityTests.dll outbox-target &lt;sqlite|postgres&gt; &lt;connectionString&gt; &lt;baseAddress&gt;
/// &lt;apiKey&gt; &lt;pixelId&gt;</c>: a real web app with the transactional outbox on its own database, with the outbox's
/// default options (what a user gets: the lease, its renewal, the poll interval, the batch size), listening on a free
/// loopback port (printed as <c>LISTENING &lt;url&gt;</c>). <c>POST /orders?prefix=&amp;from=&amp;count=</c>
/// places <c>count</c> orders in one request, each <c>Track</c>ed with its number as the event id, and commits them with
/// one <c>SaveChanges</c> (orders and outbox records in one transaction); <c>&amp;rollback=true</c> rolls the same work back.
/// It answers once the commit is done, with the number of orders committed.
/// </summary>
internal static class OutboxTarget
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 6)
        {
            await Console.Error.WriteLineAsync("usage: outbox-target <sqlite|postgres> <connectionString> <baseAddress> <apiKey> <pixelId>");
            return 2;
        }

        var (provider, connectionString) = (args[1], args[2]);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oaiq:PixelId"] = args[5],
            ["Oaiq:ConsentMode"] = "AlwaysGranted",
            ["Oaiq:ConversionsApi:ApiKey"] = args[4],
            ["Oaiq:ConversionsApi:BaseAddress"] = args[3],
            ["Oaiq:ConversionsApi:MaxBatchSize"] = "500",
            ["Oaiq:ConversionsApi:FlushInterval"] = "00:00:00.050",
            ["Oaiq:ConversionsApi:RequestTimeout"] = "00:00:02",
            ["Oaiq:ConversionsApi:TotalRequestTimeout"] = "00:00:04",
            ["Oaiq:ConversionsApi:RetryDelay"] = "00:00:00.050",
            ["Oaiq:ConversionsApi:MaxRetryDelay"] = "00:00:00.500",
            ["Oaiq:ConversionsApi:BackoffDelay"] = "00:00:00.050",
            ["Oaiq:ConversionsApi:MaxBackoffDelay"] = "00:00:00.500",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddDbContext<OutboxTargetContext>(options => OutboxTargetContext.Configure(options, provider, connectionString));
        builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"))
            .AddEntityFrameworkOutbox<OutboxTargetContext>();

        await using var app = builder.Build();
        app.UseOaiqTracking();
        app.MapPost("/orders", PlaceOrdersAsync);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.Out.WriteLine("LISTENING " + address);
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static async Task<IResult> PlaceOrdersAsync(HttpContext context, OutboxTargetContext db, IConversionTracker tracker, string prefix, int from, int count, bool rollback = false)
    {
        await using var transaction = rollback ? await db.Database.BeginTransactionAsync(context.RequestAborted) : null;
        for (var i = from; i < from + count; i++)
        {
            var number = Events.Id(prefix, i);
            db.Orders.Add(new OutboxTargetOrder { Number = number });
            tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(5198, "USD")), number, UserData.FromEmail(Events.Email));
        }

        await db.SaveChangesAsync(context.RequestAborted);
        if (transaction is not null)
        {
            await transaction.RollbackAsync(context.RequestAborted);
            return Results.Text("0");
        }

        return Results.Text(count.ToString(CultureInfo.InvariantCulture));
    }
}
