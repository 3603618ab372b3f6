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
}
