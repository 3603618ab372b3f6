using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.Testing;

namespace OaiqPixel.AspNetCore.Tests.ConversionsApi;

/// <summary>
/// The Conversions API's error text is not ours: a line break in it must not start a log line of its own (a forged
/// entry in a console or file log), and the key stays redacted before the text is cut.
/// </summary>
public sealed class ApiTextInLogsTests
{
    [Fact]
    public async Task ErrorMessage_WithLineBreaks_IsLoggedOnOneLine()
    {
        // Arrange: the API's 400 quotes text with CR/LF, NEL and a Unicode line separator (JSON escapes, decoded by the client).
        await using var h = await ServerLegHost.StartAsync();
        h.Api.EnqueueFault(Fault.Status(400, body: "{\"error\":{\"message\":\"bad event\\r\\nwarn: OaiqPixel[1] forged\\u2028line\\u0085two\\u202Eend\"}}"));

        // Act
        h.EnqueueAll([TestEvents.Order("order_1", DateTimeOffset.UtcNow)]);
        await Wait.UntilAsync(() => h.DeadLetters.Count == 1, "the dead letter", () => string.Join("\n", h.LogTexts()));

        // Assert
        var logged = Assert.Single(h.Logs.GetSnapshot(), r => r.Message.Contains("forged", StringComparison.Ordinal));
        Assert.Contains("bad event  warn: OaiqPixel[1] forged line two end", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logged.Message, c => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u202E');
        Assert.Equal("bad event  warn: OaiqPixel[1] forged line two end", h.DeadLetters[0].ErrorMessage);
        h.AssertNoSecretsLogged();
    }

    [Theory]
    [InlineData("line one\r\nline two", "sk-key", 100, "line one  line two")]
    [InlineData("quoted sk-key\n", "sk-key", 100, "quoted [redacted]")]
    [InlineData("0123456789sk-key", "sk-key", 12, "0123456789[r…")]
    [InlineData("a\u2029b\u0000c\u007Fd\u200Be", null, 100, "a b c d e")]
    [InlineData("ab\U0001F600", null, 3, "ab…")]
    public void ForLog_RedactsThenFlattensThenCuts(string text, string? key, int maxLength, string expected) =>
        Assert.Equal(expected, ApiText.ForLog(text, key, maxLength));
}
