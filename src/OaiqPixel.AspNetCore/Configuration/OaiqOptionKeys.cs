using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// How a validation message names a setting, so it points where the app actually sets it: the configuration keys under
/// the section <c>AddOaiqTracking</c> bound (<c>Tracking:PixelId</c>, environment <c>Tracking__PixelId</c>), or, when the
/// options come only from code, the property (<c>OaiqTrackingOptions.PixelId</c>).
/// </summary>
/// <param name="section">The section path (<c>""</c> for the configuration root), or <see langword="null"/> for options set in code.</param>
internal sealed class OaiqOptionKeys(string? section)
{
    /// <summary>The default section, <c>Oaiq</c>.</summary>
    public static readonly OaiqOptionKeys Default = new(OaiqTrackingOptions.SectionName);

    /// <summary>Options set in code (<c>AddOaiqTracking(options => …)</c>) without a configuration section.</summary>
    public static readonly OaiqOptionKeys Code = new(null);

    /// <summary>
    /// The naming for this app, from what <c>AddOaiqTracking</c> recorded: the section it was last given; otherwise the
    /// app configuration's <c>Oaiq</c> section, unless that section is absent and the options are set in code.
    /// </summary>
    public static OaiqOptionKeys Resolve(IServiceProvider? services)
    {
        if (services?.GetService<OaiqTrackingMarker>() is not { } marker)
        {
            return Default;
        }

        if (marker.LastBoundSection is { } path)
        {
            return new OaiqOptionKeys(path);
        }

        return !marker.HasCodeConfiguration
            || (marker.BindsDefaultSection && services.GetService<IConfiguration>()?.GetSection(OaiqTrackingOptions.SectionName).Exists() == true)
            ? Default
            : Code;
    }

    /// <summary>
    /// A setting's name: <paramref name="relative"/> (<c>PixelId</c>, <c>ConversionsApi:BaseAddress</c>) under the section,
    /// or as a property path of <see cref="OaiqTrackingOptions"/>.
    /// </summary>
    public string Key(string relative) =>
        section is null ? "OaiqTrackingOptions." + relative.Replace(':', '.')
        : section.Length == 0 ? relative
        : section + ":" + relative;

    /// <summary>
    /// Where to set it, for a message: <c>appsettings.json: "Tracking": { "PixelId": "…" }, or the environment variable
    /// Tracking__PixelId</c>; in code, <c>AddOaiqTracking(options => options.PixelId = …)</c>.
    /// </summary>
    public string WhereToSet(string relative)
    {
        if (section is null)
        {
            return $"AddOaiqTracking(options => options.{relative.Replace(':', '.')} = …)";
        }

        var path = Key(relative).Split(':');
        var json = $"\"{path[^1]}\": \"…\"";
        for (var i = path.Length - 2; i >= 0; i--)
        {
            json = $"\"{path[i]}\": {{ {json} }}";
        }

        return $"appsettings.json: {json}, or the environment variable {Key(relative).Replace(":", "__", StringComparison.Ordinal)}";
    }
}
