using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// Marks the scope of an interactive server circuit as one (<see cref="CircuitTracking.IsCircuit"/>), so
/// <see cref="IConversionTracker"/> records through the circuit (JS interop for the browser leg) instead of looking for a
/// request, and follows the circuit's address: after a navigation the visitor context is read from the new page.
/// </summary>
internal sealed class OaiqCircuitHandler : CircuitHandler, IDisposable
{
    private readonly CircuitTracking _state;
    private readonly NavigationManager _navigation;
    private bool _subscribed;

    public OaiqCircuitHandler(CircuitTracking state, NavigationManager navigation)
    {
        // Created with the circuit, before any of its components: every component already sees a circuit.
        _state = state;
        _navigation = navigation;
        state.IsCircuit = true;
    }

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        _state.StartUri = _navigation.Uri;
        _navigation.LocationChanged += OnLocationChanged;
        _subscribed = true;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_subscribed)
        {
            _navigation.LocationChanged -= OnLocationChanged;
        }
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        _state.Navigated = true;
        _state.Visitor = null;
    }
}
