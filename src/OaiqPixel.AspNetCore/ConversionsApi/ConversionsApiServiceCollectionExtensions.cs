using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OaiqPixel.AspNetCore.ConversionsApi;

/// <summary>Registers the server leg. Called by <c>AddOaiqTracking</c>; idempotent.</summary>
internal static class ConversionsApiServiceCollectionExtensions
{
    public static IServiceCollection AddOaiqConversionsApi(this IServiceCollection services)
    {
        // Placeholder until the server leg lands: a sink that accepts nothing.
        services.TryAddSingleton<IConversionEventSink, NullConversionEventSink>();
        return services;
    }

    private sealed class NullConversionEventSink : IConversionEventSink
    {
        public bool TryEnqueue(ConversionEvent conversionEvent) => false;
    }
}
