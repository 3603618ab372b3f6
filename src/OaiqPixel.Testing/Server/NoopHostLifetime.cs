using Microsoft.Extensions.Hosting;

namespace OaiqPixel.Testing.Server;

/// <summary>
/// Replaces the console lifetime so that a fake server never registers SIGINT/SIGTERM handlers:
/// those would swallow signals meant for the test host process.
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
