using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// Marks the scope of an interactive server circuit as one (<see cref="CircuitTracking.IsCircuit"/>), so
/// <see cref="IConversionTracker"/> records through the circuit (JS interop for the browser leg) instead of looking for a
/// request, takes the visitor context the pages hand over (<see cref="CircuitVisitor"/>: when the circuit starts and after
/// enhanced navigations), and follows the circuit's address: when no interactive <c>&lt;OaiqPixel /&gt;</c> runs in the
/// circuit, an interactive router's route change is measured here (<see cref="CircuitEventRecorder.TrackRouteChangeAsync"/>).
/// </summary>
internal sealed class OaiqCircuitHandler : CircuitHandler, IDisposable
{
    private readonly CircuitTracking _state;
    private readonly IServiceProvider _services;
    private NavigationManager? _navigation;
    private readonly RestoringComponentStateSubscription? _restoring;

    // The navigation manager is resolved when the circuit opens: an app without Blazor never registers one, and its
    // container validates this registration all the same.
    public OaiqCircuitHandler(CircuitTracking state, IServiceProvider services)
    {
        // Created with the circuit, before any of its components: every component already sees a circuit.
        _state = state;
        _services = services;
        state.IsCircuit = true;

        // Registered before the circuit restores the page's state, which comes with its first components.
        if (services.GetService<PersistentComponentState>() is { } persistent)
        {
            _restoring = CircuitVisitor.FollowInCircuit(persistent, OnVisitorRestored);
        }
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
        _restoring?.Dispose();
        if (_navigation is not null)
        {
            _navigation.LocationChanged -= OnLocationChanged;
        }
    }

    private void OnVisitorRestored(VisitorContext? visitor, string? rejected)
    {
        _state.Visitor = visitor;
        if (rejected is not null)
        {
            var logger = _services.GetRequiredService<ILogger<OaiqCircuitHandler>>();
            ComponentsLog.VisitorContextRejected(logger, rejected);
        }
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        _state.Navigated = true;
        if (!_state.HasInteractivePixel && _services.GetService<CircuitEventRecorder>() is { } recorder)
        {
            // The page's <OaiqPixel /> is static (or missing): it never sees a change made without a request.
            _ = recorder.TrackRouteChangeAsync();
        }
    }
}
