using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.AspNetCore.Configuration;

internal sealed class OaiqTrackingBuilder(IServiceCollection services) : IOaiqTrackingBuilder
{
    public IServiceCollection Services { get; } = services;
}
