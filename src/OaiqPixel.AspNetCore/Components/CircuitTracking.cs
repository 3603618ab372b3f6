namespace OaiqPixel.AspNetCore.Components;

/// <summary>
/// A circuit's tracking state (scoped: one per interactive server circuit, unused in a request's scope): whether this
/// scope is a circuit, where it started, whether the address changed since, whether an interactive
/// <c>&lt;OaiqPixel /&gt;</c> measures its route changes, how the page changes pages, and the visitor context handed over
/// by the newest page the circuit received state from.
/// </summary>
internal sealed class CircuitTracking
{
    /// <summary>Whether this scope is an interactive server circuit (set when the circuit is created).</summary>
    public bool IsCircuit { get; set; }

    /// <summary>The address the circuit started on: the page that was rendered (and prerendered) by a request.</summary>
    public string? StartUri { get; set; }

    /// <summary>Whether the address changed since the circuit started.</summary>
    public bool Navigated { get; set; }

    /// <summary>Whether an interactive <c>&lt;OaiqPixel /&gt;</c> runs in this circuit: its router's route changes are measured here.</summary>
    public bool HasInteractivePixel { get; set; }

    /// <summary>
    /// How the page changes pages, once asked (<see cref="CircuitEventRecorder.GetNavigationAsync"/>): a document keeps one
    /// way for its life (an interactive router stays; enhanced navigation never gives way to one).
    /// </summary>
    public Task<PageNavigation>? Navigation { get; set; }

    /// <summary>
    /// The visitor context the newest page that carried one persisted for the circuit (<see cref="CircuitVisitor"/>: set
    /// when the circuit starts and after enhanced navigations), or <see langword="null"/> when none did.
    /// </summary>
    public VisitorContext? Visitor { get; set; }
}
