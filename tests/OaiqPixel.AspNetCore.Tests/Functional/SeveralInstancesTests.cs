using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OaiqPixel.AspNetCore.Configuration;
using OaiqPixel.AspNetCore.Tests.TestApps;

namespace OaiqPixel.AspNetCore.Tests.Functional;

/// <summary>
/// Behind a load balancer: the Post/Redirect/Get carrier is a Data Protection payload, so the instance that renders the
/// next page reads it only with the key ring of the one that wrote it; the start-up says when the key ring cannot be
/// shared (log 72).
/// </summary>
public sealed class SeveralInstancesTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PostOnOneInstance_NextPageOnAnother_RendersTheCarriedCallOnlyWithASharedKeyRing(bool shared)
    {
        // Arrange: two instances of one app; the second reads the first's key folder, or has its own.
        var keys = Directory.CreateTempSubdirectory("oaiq-keys-");
        var ownKeys = Directory.CreateTempSubdirectory("oaiq-keys-");
        try
        {
            await using var first = await TestApp.StartAsync(services: s => s.AddDataProtection().PersistKeysToFileSystem(keys).SetApplicationName("shop"));
            await using var second = await TestApp.StartAsync(services: s => s.AddDataProtection().PersistKeysToFileSystem(shared ? keys : ownKeys).SetApplicationName("shop"));
            first.Scenario.Record = (tracker, context) =>
            {
                if (context.Request.Method == "POST")
                {
                    tracker.Track(OaiqEvent.OrderCreated(Money.FromMinorUnits(2599, "USD")), "order_7");
                }
            };

            // Act: the POST goes to the first instance, the redirect's GET to the second.
            var post = await first.CreateClient(https: true).PostAsync(new Uri("/place", UriKind.Relative), null);
            var carrier = Assert.Single(TestApp.SetCookies(post));
            using var next = new HttpRequestMessage(HttpMethod.Get, "/page");
            next.Headers.Add("Cookie", carrier[..carrier.IndexOf(';', StringComparison.Ordinal)]);
            var page = await TestApp.ParseAsync(await second.CreateClient(https: true).SendAsync(next));

            // Assert: the order's measure call renders on the other instance only when it shares the key ring.
            Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
            Assert.StartsWith("__oaiq_carry=", carrier, StringComparison.Ordinal);
            var calls = PixelCall.Parse(page.QuerySelector("script")!.TextContent);
            Assert.Equal(shared ? 1 : 0, calls.Count(c => c.Command == "measure" && c.EventId == "order_7"));
            Assert.Equal(shared, !second.Logs.GetSnapshot().Any(r => r.Id.Id == 22));
            Assert.Single(first.Sink.Events, e => e.Id == "order_7");
        }
        finally
        {
            keys.Delete(recursive: true);
            ownKeys.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Production", true, true)]
    [InlineData("Development", true, false)]
    [InlineData("Production", false, false)]
    public async Task Startup_KeyRingOfOneProcess_WarnsOnceOutsideDevelopment(string environment, bool ephemeral, bool warns)
    {
        // Arrange
        var keys = Directory.CreateTempSubdirectory("oaiq-keys-");
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });
            builder.Services.AddFakeLogging();
            builder.Services.AddOaiqTracking(o => o.PixelId = "px_1");
            var dataProtection = builder.Services.AddDataProtection();
            if (ephemeral)
            {
                dataProtection.UseEphemeralDataProtectionProvider();
            }
            else
            {
                dataProtection.PersistKeysToFileSystem(keys);
            }

            using var host = builder.Build();

            // Act
            await host.StartAsync();
            await host.StopAsync();

            // Assert
            var warnings = host.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 72).ToList();
            Assert.Equal(warns ? 1 : 0, warnings.Count);
            Assert.All(warnings, w =>
            {
                Assert.Equal(LogLevel.Warning, w.Level);
                Assert.Contains("ephemeral", w.Message, StringComparison.Ordinal);
                Assert.Contains("PersistKeysToFileSystem", w.Message, StringComparison.Ordinal);
            });
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }

    public static TheoryData<string, string?> Environments => new()
    {
        // a container from the official images, no repository configured: keys die with the container
        { "DOTNET_RUNNING_IN_CONTAINER=true;HOME=/root", "per container" },
        // Azure App Service keeps the default keys under %HOME%, shared by the app's instances
        { "DOTNET_RUNNING_IN_CONTAINER=true;HOME=/home;WEBSITE_INSTANCE_ID=abc", null },
        // no user profile: ASP.NET Core falls back to memory
        { "", "ephemeral" },
        // a developer's machine or a VM: keys in the profile, kept across restarts
        { "HOME=/home/dev", null },
    };

    [Theory]
    [MemberData(nameof(Environments))]
    public void KeyRing_NoRepositoryConfigured_IsJudgedAsAspNetCoreStoresIt(string variables, string? expected)
    {
        // Arrange
        using var services = new ServiceCollection().AddLogging().AddDataProtection().Services.BuildServiceProvider();
        var environment = variables.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=')).ToDictionary(v => v[0], v => v[1]);

        // Act
        var why = DataProtectionKeyRing.WhyNotShared(services, environment.GetValueOrDefault, localApplicationData: "");

        // Assert
        if (expected is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.StartsWith(expected, why, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KeyRing_PersistedInAContainer_IsTheAppsChoice()
    {
        // Arrange
        var keys = Directory.CreateTempSubdirectory("oaiq-keys-");
        try
        {
            using var services = new ServiceCollection().AddLogging().AddDataProtection().PersistKeysToFileSystem(keys).Services.BuildServiceProvider();

            // Act
            var why = DataProtectionKeyRing.WhyNotShared(services, name => name == "DOTNET_RUNNING_IN_CONTAINER" ? "true" : null, localApplicationData: "");

            // Assert
            Assert.Null(why);
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }
}
