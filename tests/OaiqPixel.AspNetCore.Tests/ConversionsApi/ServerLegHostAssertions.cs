namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>What the server leg's logs must never hold, checked on the shared host.</summary>
internal static class ServerLegHostAssertions
{
    /// <summary>
    /// No captured log line (message, structured values, scopes, exception) holds the API key or any of
    /// <see cref="TestEvents"/>' personal values, oppref or obref, or <paramref name="moreSecrets"/>.
    /// </summary>
    public static void AssertNoSecretsLogged(this ServerLegHost host, params string[] moreSecrets)
    {
        var secrets = new[] { host.Api.ApiKey, TestEvents.Email, TestEvents.EmailSha256, TestEvents.Oppref, TestEvents.Obref, TestEvents.IpAddress }.Concat(moreSecrets).ToArray();
        var texts = host.LogTexts().ToList();
        Assert.NotEmpty(texts);
        foreach (var text in texts)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"A log line contains a secret value: {text}");
            }
        }
    }
}
