using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OaiqPixel.AspNetCore.Configuration;

/// <summary>
/// Whether the app's Data Protection key ring outlives the process and can be shared by its instances: the
/// Post/Redirect/Get carrier (<c>__oaiq_carry</c>) and the Blazor visitor context are protected with it, so a key ring
/// of one process makes a redirect to another instance, or across a restart, lose the browser leg it carried.
/// </summary>
/// <remarks>
/// Follows how ASP.NET Core chooses the repository (its Data Protection "default settings"): an app that configured one
/// (<c>PersistKeysTo…</c>, which sets <see cref="KeyManagementOptions.XmlRepository"/>, or the read-only key directory)
/// chose where its keys live; otherwise Azure App Service keeps them under <c>%HOME%</c>, shared by the app's instances;
/// elsewhere they go to a folder under the user profile — the container's own file system in a container (the official
/// .NET images set <c>DOTNET_RUNNING_IN_CONTAINER</c>), or memory when there is no profile.
/// </remarks>
internal static class DataProtectionKeyRing
{
    /// <summary>Why the key ring is not shared, for the start-up warning (log 72); <see langword="null"/> when it may be.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="environmentVariable">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <param name="localApplicationData">The user profile's local application data folder, empty without a profile.</param>
    public static string? WhyNotShared(IServiceProvider services, Func<string, string?> environmentVariable, string localApplicationData)
    {
        if (services.GetService<IDataProtectionProvider>() is EphemeralDataProtectionProvider)
        {
            return "ephemeral: UseEphemeralDataProtectionProvider() keeps them in memory, new at each start";
        }

        if (services.GetService<IOptions<KeyManagementOptions>>() is not { } keyManagement || keyManagement.Value.XmlRepository is not null)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(environmentVariable("WEBSITE_INSTANCE_ID")))
        {
            return null;
        }

        if (environmentVariable("DOTNET_RUNNING_IN_CONTAINER") is "true" or "1")
        {
            return "per container: no key repository is configured, so ASP.NET Core keeps them in a folder under this container's home, lost with the container and never seen by the other instances";
        }

        var hasProfile = !string.IsNullOrEmpty(localApplicationData)
            || !string.IsNullOrEmpty(environmentVariable("LOCALAPPDATA"))
            || !string.IsNullOrEmpty(environmentVariable("USERPROFILE"))
            || !string.IsNullOrEmpty(environmentVariable("HOME"));
        return hasProfile
            ? null
            : "ephemeral: no key repository is configured and there is no user profile for ASP.NET Core's default key folder, so they are kept in memory, new at each start";
    }
}
