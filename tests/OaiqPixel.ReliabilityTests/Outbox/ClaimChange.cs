using System.Globalization;

namespace OaiqPixel.ReliabilityTests.Outbox;

/// <summary>One change of an outbox record's claim, from <see cref="ClaimAudit"/>: by which instance, when, and the lease it replaced.</summary>
internal sealed record ClaimChange(string EventId, string Instance, Guid? OldClaim, Guid? NewClaim, long OldDue, long AtMs, long Seq)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Instance} {(NewClaim is null ? "handed back" : OldClaim is null ? "took" : "took over")} at {AtMs}{(OldClaim is null ? string.Empty : $" (old lease to {OldDue})")}");
}
