namespace OaiqPixel.Testing.Tests;

/// <summary>One fake per test class, for tables whose rows only look at the response.</summary>
public sealed class FakeApiFixture : IAsyncLifetime
{
    public FakeConversionsApi Api { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = await FakeConversionsApi.StartAsync();
        Client = Api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
    }
}
