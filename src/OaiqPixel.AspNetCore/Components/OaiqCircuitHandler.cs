using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// Marks the scope of an interactive server circuit as one (<see cref="CircuitTracking.IsCircuit"/>), so
/// <see cref="IConversionTracker"/> records through the circuit (JS interop for the browser leg) instead of looking for a
/// request, and follows the circuit's address: after a navigation the visitor context is read from the new page, and,
/// when no interactive <c>&lt;OaiqPixel /&gt;</c> runs in the circuit, an interactive router's route change is measured
/// here (<see cref="CircuitEventRecorder.TrackRouteChangeAsync"/>).
/// </summary>
internal sealed class OaiqCircuitHandler : CircuitHandler, IDisposable
{
    private readonly CircuitTracking _state;
    private readonly IServiceProvider _services;
    private NavigationManager? _navigation;

    // The navigation manager is resolved when the circuit opens: an app without Blazor never registers one, and its
    // container validates this registration all the same.
    public OaiqCircuitHandler(CircuitTracking state, IServiceProvider services)
    {
        // Created with the circuit, before any of its components: every component already sees a circuit.
        _state = state;
        _services = services;
        state.IsCircuit = true;
    }

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        _navigation = _services.GetRequiredService<NavigationManager>();
        _state.StartUri = _navigation.Uri;
        _navigation.LocationChanged += OnLocationChanged;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_navigation is not null)
        {
            _navigation.LocationChanged -= OnLocationChanged;
        }
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        _state.Navigated = true;
        _state.Visitor = null;
        if (!_state.HasInteractivePixel && _services.GetService<CircuitEventRecorder>() is { } recorder)
        {
            // The page's <OaiqPixel /> is static (or missing): it never sees a change made without a request.
            _ = recorder.TrackRouteChangeAsync();
        }
    }
}
