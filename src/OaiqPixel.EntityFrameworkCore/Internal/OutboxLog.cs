using Microsoft.Extensions.Logging;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>
/// The outbox's log messages. Event ids 200–249 are the outbox's and are part of the contract (README "Logging"): never
/// renumber. No message carries an <c>oppref</c>, personal data, an event's JSON or the key; events are named by type and id.
/// </summary>
internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 200, EventName = "OutboxDispatcherStarted", Level = LogLevel.Information,
        Message = "The outbox dispatcher started for {Context} (table {Table}, provider {Provider}, claims with {ClaimMethod}): up to {BatchSize} records a round, lease {Lease}, poll every {PollInterval}.")]
    public static partial void DispatcherStarted(ILogger logger, string context, string table, string? provider, string claimMethod, int batchSize, TimeSpan lease, TimeSpan pollInterval);

    [LoggerMessage(EventId = 201, EventName = "OutboxIdle", Level = LogLevel.Information,
        Message = "The outbox does not deliver on this instance: {Reason}. Records written by other instances wait in the table.")]
    public static partial void Idle(ILogger logger, string reason);

    [LoggerMessage(EventId = 202, EventName = "OutboxNotMapped", Level = LogLevel.Critical,
        Message = "The outbox table is not in {Context}'s model: call modelBuilder.AddOaiqOutbox() in its OnModelCreating (and add a migration). Until then conversions go to the in-memory queue.")]
    public static partial void NotMapped(ILogger logger, string context);

    [LoggerMessage(EventId = 204, EventName = "OutboxCommittedWithApp", Level = LogLevel.Debug,
        Message = "{Count} outbox record(s) committed in the app's own transaction.")]
    public static partial void CommittedWithApp(ILogger logger, int count);

    [LoggerMessage(EventId = 205, EventName = "OutboxSavedOnItsOwn", Level = LogLevel.Debug,
        Message = "{Count} outbox record(s) had no SaveChanges of {Context} after them in this request: saved on their own, not atomically with the app's changes ({EventIds}).")]
    public static partial void SavedOnItsOwn(ILogger logger, int count, string context, string eventIds);

    [LoggerMessage(EventId = 206, EventName = "OutboxRolledBack", Level = LogLevel.Debug,
        Message = "{Count} outbox record(s) dropped, neither leg reports them: {Reason} ({EventIds}).")]
    public static partial void RolledBack(ILogger logger, int count, string reason, string eventIds);

    [LoggerMessage(EventId = 207, EventName = "OutboxSavedAtOnce", Level = LogLevel.Debug,
        Message = "'{EventName}' {EventId} written to the outbox in the background (handed to the sink directly, or recorded after its request's endpoint ran).")]
    public static partial void SavedAtOnce(ILogger logger, string eventName, string eventId);

    [LoggerMessage(EventId = 208, EventName = "OutboxWriteFailed", Level = LogLevel.Warning,
        Message = "The database refused the outbox write of '{EventName}' {EventId}: handed to the in-memory queue instead (not durable: a crash before it is sent loses it).")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string eventName, string eventId);

    [LoggerMessage(EventId = 209, EventName = "OutboxHeldAtRequestEnd", Level = LogLevel.Debug,
        Message = "The request's endpoint ended while {Count} outbox record(s) were in a transaction it had not committed ({EventIds}); they are delivered only if it commits, and no page renders them.")]
    public static partial void HeldAtRequestEnd(ILogger logger, int count, string eventIds);

    [LoggerMessage(EventId = 210, EventName = "OutboxClaimed", Level = LogLevel.Debug,
        Message = "Claimed {Count} outbox record(s) until {LeaseUntil:O}.")]
    public static partial void Claimed(ILogger logger, int count, DateTimeOffset leaseUntil);

    [LoggerMessage(EventId = 211, EventName = "OutboxReclaimed", Level = LogLevel.Warning,
        Message = "Took over {Count} outbox record(s) whose lease had expired (their dispatcher died or took longer than LeaseDuration): any it had already delivered are sent again with the same ids, which the API deduplicates.")]
    public static partial void Reclaimed(ILogger logger, int count);

    [LoggerMessage(EventId = 212, EventName = "OutboxDelivered", Level = LogLevel.Debug,
        Message = "{Count} outbox record(s) delivered and deleted.")]
    public static partial void Delivered(ILogger logger, int count);

    [LoggerMessage(EventId = 213, EventName = "OutboxDeadLettered", Level = LogLevel.Error,
        Message = "The Conversions API refused '{EventName}' {EventId} on its own ({StatusCode}: {Message}): kept in the outbox as a dead letter for {Retention}.")]
    public static partial void DeadLettered(ILogger logger, string eventName, string eventId, int statusCode, string message, TimeSpan retention);

    [LoggerMessage(EventId = 214, EventName = "OutboxSendFailed", Level = LogLevel.Warning,
        Message = "{Count} outbox record(s) not delivered ({Reason}): kept in the table, next try in {Delay}.")]
    public static partial void SendFailed(ILogger logger, int count, string reason, TimeSpan delay);

    // 215 (OutboxStaleDropped) is retired, never to be reused: records past the 7-day window are dropped by the shared
    // delivery, one line each under log 111 (StaleEventDropped), whichever path queued them.

    [LoggerMessage(EventId = 216, EventName = "OutboxDeadLettersExpired", Level = LogLevel.Information,
        Message = "Deleted {Count} outbox dead letter(s) kept longer than {Retention}.")]
    public static partial void DeadLettersExpired(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(EventId = 217, EventName = "OutboxDatabaseUnavailable", Level = LogLevel.Warning,
        Message = "The outbox dispatcher cannot reach the database ({Reason}); committed records are safe in the table. Next try in {Delay}.")]
    public static partial void DatabaseUnavailable(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 218, EventName = "OutboxDatabaseRecovered", Level = LogLevel.Information,
        Message = "The outbox dispatcher reaches the database again after {Failures} failed round(s).")]
    public static partial void DatabaseRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 219, EventName = "OutboxApiRecovered", Level = LogLevel.Information,
        Message = "The outbox delivers again after {Failures} failed round(s).")]
    public static partial void ApiRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 220, EventName = "OutboxDispatcherFailed", Level = LogLevel.Error,
        Message = "The outbox dispatcher failed unexpectedly; it goes on after {Delay}.")]
    public static partial void DispatcherFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 221, EventName = "OutboxReleasedOnStop", Level = LogLevel.Information,
        Message = "Stopping: released {Count} claimed outbox record(s) not delivered yet, for the next dispatcher to take at once.")]
    public static partial void ReleasedOnStop(ILogger logger, int count);

    [LoggerMessage(EventId = 222, EventName = "OutboxDispatcherStopped", Level = LogLevel.Information,
        Message = "The outbox dispatcher stopped; {Delivered} record(s) delivered since it started.")]
    public static partial void DispatcherStopped(ILogger logger, long delivered);

    [LoggerMessage(EventId = 223, EventName = "OutboxUnreadableRecord", Level = LogLevel.Error,
        Message = "Outbox record {RecordId} ({EventId}) cannot be read ({Reason}): kept as a dead letter; the other records are delivered.")]
    public static partial void UnreadableRecord(ILogger logger, long recordId, string eventId, string reason);

    [LoggerMessage(EventId = 224, EventName = "OutboxDroppedOnServerError", Level = LogLevel.Debug,
        Message = "The request ended with status {StatusCode}: {Count} outbox record(s) no SaveChanges had carried are dropped, neither leg reports them ({EventIds}).")]
    public static partial void DroppedOnServerError(ILogger logger, int statusCode, int count, string eventIds);

    [LoggerMessage(EventId = 235, EventName = "OutboxLeftToLease", Level = LogLevel.Warning,
        Message = "{Count} outbox record(s) were on their way to the Conversions API when the round ended ({Reason}): whether the API saved them is unknown, so they stay claimed and are sent again (same ids, which the API deduplicates) only once the lease ends at {LeaseUntil:O}.")]
    public static partial void LeftToLease(ILogger logger, int count, string reason, DateTimeOffset leaseUntil);

    [LoggerMessage(EventId = 236, EventName = "OutboxReleasedAfterCut", Level = LogLevel.Information,
        Message = "Handed back {Count} outbox record(s) that a round cut by the database held undelivered, for any dispatcher to take now rather than when the lease ends.")]
    public static partial void ReleasedAfterCut(ILogger logger, int count);

    [LoggerMessage(EventId = 237, EventName = "OutboxLeaseEndedBeforeSend", Level = LogLevel.Warning,
        Message = "{Count} claimed outbox record(s) were not sent: the round reached its send after its lease had ended at {LeaseUntil:O}, so another dispatcher may hold them now. They go out with whoever claims them next; if this repeats, raise Oaiq:Outbox:LeaseDuration.")]
    public static partial void LeaseEndedBeforeSend(ILogger logger, int count, DateTimeOffset leaseUntil);

    [LoggerMessage(EventId = 245, EventName = "OutboxTableMissing", Level = LogLevel.Error,
        Message = "The outbox table {Table} is missing from {Context}'s database or does not match its model ({Reason}), while the database answers: add a migration for it (dotnet ef migrations add AddOaiqOutbox) and apply it (dotnet ef database update, or Database.Migrate() at start-up), or call Database.EnsureCreated() on a new database without migrations. Until then every SaveChanges of {Context} that carries a conversion fails. Next try in {Delay}.")]
    public static partial void TableMissing(ILogger logger, string table, string context, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 270, EventName = "OutboxInstanceClock", Level = LogLevel.Warning,
        Message = "The outbox judges leases by this instance's clock: there is no SQL for the current time of provider {Provider}. Keep the clocks of every instance that dispatches in sync, or run the dispatcher on one instance only.")]
    public static partial void InstanceClock(ILogger logger, string? provider);

    [LoggerMessage(EventId = 271, EventName = "OutboxLeaseRenewalFailed", Level = LogLevel.Warning,
        Message = "Could not renew the lease on {Count} outbox record(s) ({Reason}); tried again in {Delay}. If it ends at {LeaseUntil:O} before a renewal gets through, another dispatcher may send them too (same ids, which the API deduplicates).")]
    public static partial void LeaseRenewalFailed(ILogger logger, int count, string reason, TimeSpan delay, DateTimeOffset leaseUntil);

    [LoggerMessage(EventId = 321, EventName = "OutboxDeadLettersReplayed", Level = LogLevel.Information,
        Message = "Outbox dead letters for {PixelId} replayed to {ToPixelId}: {Replayed} back to pending, {TooOld} too old (past the API's 7-day window, not sent, kept as dead letters), {NotFound} ids not found.")]
    public static partial void DeadLettersReplayed(ILogger logger, string pixelId, string toPixelId, int replayed, int tooOld, int notFound);
}
