namespace OaiqPixel.Sandbox;

/// <summary>Where the development page lives (<c>AddOaiqSandbox(options => …)</c>).</summary>
public sealed class OaiqSandboxOptions
{
    /// <summary>The default <see cref="PathPrefix"/>.</summary>
    public const string DefaultPathPrefix = "/oaiq";

    /// <summary>
    /// The path of the page; the stub SDK is <c>{PathPrefix}/sdk.js</c> and the local Conversions API
    /// <c>{PathPrefix}/v1/events</c>. A root-relative path such as the default <c>/oaiq</c>.
    /// </summary>
    /// <remarks>Checked when the page is mapped: anything but a root-relative path without query stops the start-up.</remarks>
    public string PathPrefix { get; set; } = DefaultPathPrefix;

    /// <summary>
    /// The Pixel IDs the simulated OpenAI account has. Empty (the default): the local Conversions API takes every pixel of
    /// the app (<c>Oaiq:PixelId</c>, <c>Oaiq:Pixels</c> or its pixel resolver). Otherwise it refuses a request for any other
    /// <c>pid</c> with 400 <c>invalid_request_error</c> (<c>pid: unknown pixel ID</c>), as the real API refuses a bad request
    /// (the status for an unknown pixel is not documented, spec §4.7): the sender dead-letters each such event, so a wrong
    /// <c>Oaiq:PixelId</c> can be reproduced, fixed and its dead letters replayed from the page.
    /// </summary>
    public IList<string> AccountPixelIds { get; } = [];
}
