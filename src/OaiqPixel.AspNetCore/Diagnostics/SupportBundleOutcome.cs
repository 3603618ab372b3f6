namespace OaiqPixel.AspNetCore.Diagnostics;

/// <summary>One Conversions API request in the support bundle: the API's answer, without the events it carried.</summary>
/// <param name="At">When the answer arrived (UTC).</param>
/// <param name="Outcome"><c>delivered</c>, <c>rejected</c>, <c>unauthorized</c>, <c>transient</c> or <c>unexpected</c> (the <c>oaiq.send.outcome</c> values).</param>
/// <param name="StatusCode">The HTTP status, or <see langword="null"/> when no answer came.</param>
/// <param name="Events">How many events the request carried.</param>
/// <param name="RequestId">The API's <c>x-request-id</c>, to quote to OpenAI support (who can read its message by it).</param>
/// <remarks>
/// No message: the API's free text may quote the value it refused (an <c>oppref</c>, a digest) and the library's own
/// names the pixel, and no mask can tell every such value, so the bundle has no field for text.
/// </remarks>
internal sealed record SupportBundleOutcome(DateTimeOffset At, string Outcome, int? StatusCode, int Events, string? RequestId);
