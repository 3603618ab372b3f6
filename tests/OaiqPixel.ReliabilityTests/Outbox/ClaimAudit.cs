using Microsoft.EntityFrameworkCore;

namespace OaiqPixel.ReliabilityTests.Outbox;

/// <summary>
/// The PostgreSQL outbox table's claim history, written by a trigger the test installs: every change of a record's claim
/// (taken, taken over, handed back), by which instance (its connection's <c>Application Name</c>), when (the server's
/// clock), and the lease it replaced. It tells exactly whether another instance took a record while a lease on it still
/// ran, where arrival times at the fake APIs can only guess (a round may spend seconds between its claim and its send).
/// </summary>
internal static class ClaimAudit
{
    /// <summary>Adds the history table and its trigger to the outbox table in <paramref name="connectionString"/>'s database.</summary>
    public static void Install(string connectionString)
    {
        using var db = OutboxTargetContext.Create("postgres", connectionString);
        db.Database.ExecuteSqlRaw("""
            CREATE TABLE claim_audit (
                event_id text NOT NULL,
                instance text NOT NULL,
                old_claim uuid NULL,
                new_claim uuid NULL,
                old_due bigint NOT NULL,
                at_ms bigint NOT NULL,
                seq bigserial PRIMARY KEY);
            CREATE FUNCTION audit_claim() RETURNS trigger AS $$
            BEGIN
                IF NEW.claim_id IS DISTINCT FROM OLD.claim_id THEN
                    INSERT INTO claim_audit (event_id, instance, old_claim, new_claim, old_due, at_ms)
                    VALUES (NEW.event_id, current_setting('application_name'), OLD.claim_id, NEW.claim_id, OLD.due_at,
                        (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER audit_claim AFTER UPDATE ON oaiq_outbox FOR EACH ROW EXECUTE FUNCTION audit_claim();
            """);
    }

    /// <summary>The connection string an instance uses, naming it in the history.</summary>
    public static string ForInstance(string connectionString, string instance) => connectionString + ";Application Name=" + instance;

    /// <summary>
    /// The records delivered by both instances that no lease expiry explains: each must have been taken over by one
    /// instance from the other's claim once that claim's lease had ended (the holder died, or took longer than its lease).
    /// A record the first deliverer handed back (a timeout it took for a failure) and the other then took, or any take
    /// while a lease still ran, is listed.
    /// </summary>
    /// <param name="connectionString">The farm's database.</param>
    /// <param name="both">The event ids both instances delivered.</param>
    /// <returns>Those records, each with its claim history, for the failure message.</returns>
    public static List<string> NotExplainedByALeaseExpiry(string connectionString, IReadOnlyCollection<string> both)
    {
        using var db = OutboxTargetContext.Create("postgres", connectionString);
        var ids = both.ToArray();
        var histories = db.Database
            .SqlQuery<ClaimChange>($"SELECT event_id AS \"EventId\", instance AS \"Instance\", old_claim AS \"OldClaim\", new_claim AS \"NewClaim\", old_due AS \"OldDue\", at_ms AS \"AtMs\", seq AS \"Seq\" FROM claim_audit WHERE event_id = ANY({ids})")
            .AsEnumerable()
            .GroupBy(c => c.EventId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.Seq).ToList(), StringComparer.Ordinal);
        var unexplained = new List<string>();
        foreach (var id in both)
        {
            var history = histories.GetValueOrDefault(id) ?? [];
            var owners = history.Where(c => c.NewClaim is not null).ToDictionary(c => c.NewClaim!.Value, c => c.Instance);
            var takes = history.Where(c => c.NewClaim is not null && c.OldClaim is not null).ToList();
            var takenWhileHeld = takes.Any(c => c.OldDue > c.AtMs);
            var takenOverAfterExpiry = takes.Any(c => owners.TryGetValue(c.OldClaim!.Value, out var holder) && holder != c.Instance && c.OldDue <= c.AtMs);
            if (takenWhileHeld || !takenOverAfterExpiry)
            {
                unexplained.Add(id + ": " + string.Join(", ", history.Select(c => c.ToString())));
            }
        }

        return unexplained;
    }
}
