using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OaiqPixel.Sandbox;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OaiqPixel development page (<c>OaiqPixel.Sandbox</c>).</summary>
public static class OaiqSandboxEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the development page at <see cref="OaiqSandboxOptions.PathPrefix"/> (<c>/oaiq</c>): the page with both legs of
    /// every event side by side, <c>/oaiq/sdk.js</c> (the stub SDK), <c>/oaiq/sdk-calls</c> (where it reports),
    /// <c>/oaiq/v1/events</c> (the local Conversions API), <c>/oaiq/events.json</c>, <c>/oaiq/outbox.json</c> (every
    /// store: the outbox's and the in-memory path's), <c>/oaiq/support-bundle.json</c> (the redacted support bundle,
    /// <c>GetOaiqSupportBundleAsync</c>) and the page's actions, each with the page's antiforgery token: Clear
    /// (<c>POST /oaiq/clear</c>) and Replay (<c>POST /oaiq/replay</c>: a store's dead letters sent again, all or one
    /// pixel's, to their own pixel or one of the app's configured pixels).
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="authorizationPolicy">
    /// <see langword="null"/> (the default): the page answers callers on this machine only, and mapping it outside the
    /// Development environment stops the start-up. A policy name: every endpoint but the local Conversions API (which
    /// stays loopback-only, behind its key) requires that policy, in any environment, for remote callers too.
    /// </param>
    /// <returns>The endpoints' conventions, to add more.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="authorizationPolicy"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">
    /// <c>AddOaiqSandbox()</c> was not called; <see cref="OaiqSandboxOptions.PathPrefix"/> is not a root-relative path; or
    /// the environment is not Development and no <paramref name="authorizationPolicy"/> is given: the page shows what the
    /// app tracks and has state-changing actions, so it is never exposed by a mis-set environment.
    /// </exception>
    public static IEndpointConventionBuilder MapOaiqSandbox(this IEndpointRouteBuilder endpoints, string? authorizationPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (authorizationPolicy is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(authorizationPolicy);
        }

        var services = endpoints.ServiceProvider;
        if (services.GetService<OaiqSandbox>() is null)
        {
            throw new InvalidOperationException("MapOaiqSandbox() needs the sandbox's services: call builder.Services.AddOaiqSandbox() before building the app.");
        }

        var environment = services.GetRequiredService<IHostEnvironment>();
        if (authorizationPolicy is null && !environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"MapOaiqSandbox() maps the OaiqPixel development page, which shows what this app tracks and clears it, in the '{environment.EnvironmentName}' environment without an authorization policy. " +
                "Map it in Development only: if (app.Environment.IsDevelopment()) { app.MapOaiqSandbox(); }, " +
                "or guard it with a policy of your app: app.MapOaiqSandbox(authorizationPolicy: \"OaiqAdmins\") after builder.Services.AddAuthorization(o => o.AddPolicy(\"OaiqAdmins\", …)).");
        }

        var prefix = services.GetRequiredService<IOptions<OaiqSandboxOptions>>().Value.PathPrefix;
        if (string.IsNullOrEmpty(prefix) || prefix[0] != '/' || prefix.TrimEnd('/').Length == 0 || prefix.StartsWith("//", StringComparison.Ordinal) || prefix.AsSpan().IndexOfAny('?', '#') >= 0)
        {
            throw new InvalidOperationException($"OaiqSandboxOptions.PathPrefix must be a root-relative path such as {OaiqSandboxOptions.DefaultPathPrefix}; it is '{prefix}'.");
        }

        return SandboxEndpoints.Map(endpoints, prefix.TrimEnd('/'), authorizationPolicy);
    }
}
