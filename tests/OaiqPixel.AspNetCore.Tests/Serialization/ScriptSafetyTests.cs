using OaiqPixel.AspNetCore.Rendering;
using System.Text;

namespace OaiqPixel.AspNetCore.Tests.Serialization;

/// <summary>What <see cref="PixelScriptWriter"/> writes must be safe inside an inline &lt;script&gt; element.</summary>
public class ScriptSafetyTests
{
    public static TheoryData<string> Hostile => new()
    {
        "</script><script>alert(1)</script>",
        "</SCRIPT >",
        "<!--<script>",
        "\"); alert(1); (\"",
        "'; alert(1); '",
        "line\u2028separator\u2029paragraph",
        "cr\rlf\nnull\u0000",
        "`${alert(1)}`",
        "&lt;&amp;",
        new string('x', 10_240) + "</script>",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileValues_CannotBreakOutOfTheScript(string hostile)
    {
        var data = new ContentsData
        {
            Contents = [new Content { Id = hostile, Name = hostile, ContentType = hostile }],
        };
        var e = new ConversionEvent(OaiqEvent.ContentsViewed(data), "evt_safe", DateTimeOffset.UnixEpoch);
        var script = PixelScriptWriter.Loader("/_oaiq/sdk.js?v=" + Uri.EscapeDataString(hostile[..Math.Min(hostile.Length, 40)]))
            + Wire.Call(PixelScriptWriter.InitArguments("px\"</script>", debug: false, UserData.Empty.WithCity("</script><script>alert(1)</script>")))
            + Wire.MeasureCall(e);
        foreach (var forbidden in new[] { "<", ">", "&", "'", "`", "\u2028", "\u2029", "\r", "\0" })
        {
            Assert.DoesNotContain(forbidden, script, StringComparison.Ordinal);
        }

        // The value survives intact when the JavaScript reads it back.
        var measure = script.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        var args = PixelCall.ParseCall(measure).Nodes;
        Assert.Equal(hostile, args[2]!["contents"]![0]!["name"]!.GetValue<string>());
    }
}
