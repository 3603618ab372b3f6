using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;

namespace OaiqPixel.EntityFrameworkCore.Dispatching;

/// <summary>
/// Delivers the outbox table: runs rounds (<see cref="OutboxRound"/>: claim under a lease, so any number of instances
/// share the table, send through the server leg's pipeline, write down what became of each record), woken by commits in
/// this process and polling otherwise, with housekeeping (<see cref="OutboxCleanup"/>) on its own interval. A database or
/// API outage is logged, reported by the health check and waited out; nothing committed is lost.
/// </summary>
/// <remarks>
/// A plain <see cref="IHostedService"/>, like the in-memory sender, so it starts even when the host stops at once. On a
/// graceful stop the round in flight finishes (for up to <c>ConversionsApi:ShutdownTimeout</c>) and any record it still
/// holds undelivered is released for the next dispatcher (<see cref="ClaimSettler"/>); after a hard kill they wait for
/// their lease to run out, which no renewal extends any more (<see cref="LeaseRenewal"/>).
/// </remarks>
internal sealed class OutboxDispatcher(
    IOutboxContextFactory contexts,
    IConversionsApiDelivery delivery,
    IConversionEventSink sink,
    DatabaseClock clock,
    OutboxSignal signal,
    OutboxStatus status,
    OutboxInstrumentation metrics,
    IOptionsMonitor<OaiqTrackingOptions> tracking,
    IOptionsMonitor<OaiqOutboxOptions> outbox,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly OutboxRound _round = new(contexts, delivery, clock, status, metrics, outbox, time, logger);
    private readonly OutboxCleanup _cleanup = new(contexts, status, outbox, time, logger);
    private Task? _loop;
    private DateTimeOffset _nextCleanup;
    private string _table = OaiqOutboxModelBuilderExtensions.DefaultTableName;

    /// <summary>Whether PostgreSQL claims with row locks (<see cref="RowLockingClaimer"/>); tests turn it off to run the portable claim there too.</summary>
    internal bool UseRowLocking { get; set; } = true;

    /// <summary>How the dispatcher claims (after <see cref="Prepare"/>).</summary>
    internal IOutboxClaimer Claimer => _round.Claimer;

    /// <summary>The clock leases are judged by (after <see cref="Prepare"/>).</summary>
    internal DatabaseClock Clock => clock;

    private OaiqOutboxOptions Options => outbox.CurrentValue;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The app's context does not map the outbox table (<c>modelBuilder.AddOaiqOutbox()</c>), or is not registered (<c>AddDbContext</c>).</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (table, provider) = Prepare();
        _table = table;
        var idle = !Options.DispatcherEnabled ? "Oaiq:Outbox:DispatcherEnabled is false"
            : !sink.IsEnabled ? "the server leg is off (no Oaiq:ConversionsApi:ApiKey or PixelId, or tracking disabled)"
            : null;
        if (idle is not null)
        {
            status.Idle(idle);
            OutboxLog.Idle(logger, idle);
            return Task.CompletedTask;
        }

        var options = Options;
        OutboxLog.DispatcherStarted(logger, contexts.ContextType.Name, table, provider, Claimer.Method, options.BatchSize, options.LeaseDuration, options.PollInterval);
        if (clock.NowSql is null)
        {
            OutboxLog.InstanceClock(logger, provider);
        }

        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Checks that the app's context maps the table, and picks how to claim and whose clock to judge by for its provider.</summary>
    /// <exception cref="InvalidOperationException">The table is not mapped.</exception>
    internal (string Table, string? Provider) Prepare()
    {
        using var lease = contexts.Create();
        var context = lease.Context;
        var entity = context.Model.FindEntityType(typeof(OaiqOutboxMessage));
        if (entity is null)
        {
            var name = contexts.ContextType.Name;
            OutboxLog.NotMapped(logger, name);
            throw new InvalidOperationException(
                $"The OaiqPixel outbox table is not in {name}'s model: call modelBuilder.AddOaiqOutbox() in {name}.OnModelCreating (then add a migration), or remove AddEntityFrameworkOutbox<{name}>().");
        }

        var provider = context.Database.ProviderName;
        clock.Prepare(provider);
        _round.Claimer = UseRowLocking && provider == RowLockingClaimer.PostgreSqlProvider ? new RowLockingClaimer(clock) : new PortableClaimer(clock);
        return (entity.GetSchemaQualifiedTableName() ?? OaiqOutboxModelBuilderExtensions.DefaultTableName, provider);
    }

    internal Task<RoundResult> RunRoundAsync(CancellationToken stoppingToken) => _round.RunAsync(stoppingToken, _abort.Token);

    internal Task CleanupAsync(CancellationToken cancellationToken) => _cleanup.RunAsync(cancellationToken);

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _abort.CancelAfter(tracking.CurrentValue.ConversionsApi.ShutdownTimeout);
        if (_loop is not null)
        {
            try
            {
                await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's own deadline: release what can be released, quickly.
            }
        }

        await _round.Settler.ReleaseAsync(_round.Current).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Cancels without disposing the token sources, so a late <see cref="StopAsync"/> stays harmless.</remarks>
    public void Dispose()
    {
        _stopping.Cancel();
        _abort.Cancel();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // Each send span is a root: do not hang them under whatever activity was current when the host started.
        Activity.Current = null;
        var databaseDelay = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                if (time.GetUtcNow() >= _nextCleanup)
                {
                    await CleanupAsync(stoppingToken).ConfigureAwait(false);
                    _nextCleanup = time.GetUtcNow() + Options.CleanupInterval;
                }

                var round = await RunRoundAsync(stoppingToken).ConfigureAwait(false);
                var failures = status.DatabaseReached(time.GetUtcNow());
                databaseDelay = TimeSpan.Zero;
                if (failures > 0)
                {
                    OutboxLog.DatabaseRecovered(logger, failures);
                }

                if (round.RetryDelay is { } delay)
                {
                    wait = delay;
                }
                else if (round.Claimed >= Options.BatchSize)
                {
                    continue;
                }
                else
                {
                    await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                var first = TimeSpan.FromTicks(Math.Min(Options.PollInterval.Ticks, TimeSpan.TicksPerSecond));
                databaseDelay = databaseDelay == TimeSpan.Zero ? first : TimeSpan.FromTicks(Math.Min(databaseDelay.Ticks * 2, Options.MaxDatabaseRetryDelay.Ticks));
                wait = databaseDelay;
                if (DatabaseFailure.Is(ex))
                {
                    var reason = DatabaseFailure.Describe(ex);
                    if (await DatabaseFailure.IsTableUnreadableAsync(contexts, stoppingToken).ConfigureAwait(false))
                    {
                        // The database answers but has no (matching) table: waiting will not fix it, a migration will.
                        var context = contexts.ContextType.Name;
                        status.DatabaseFailed(time.GetUtcNow(), $"the table {_table} is missing from {context}'s database or does not match its model, {reason}; add and apply a migration for it");
                        OutboxLog.TableMissing(logger, _table, context, reason, wait);
                    }
                    else
                    {
                        status.DatabaseFailed(time.GetUtcNow(), reason);
                        OutboxLog.DatabaseUnavailable(logger, reason, wait);
                    }
                }
                else
                {
                    OutboxLog.DispatcherFailed(logger, ex, wait);
                }
            }

            await Task.Delay(wait, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var delivered = status.Read(0).Delivered;
        OutboxLog.DispatcherStopped(logger, delivered);
    }

    /// <summary>Waits for a commit in this process (then for the flush interval to gather a batch) or the poll interval.</summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        var signalled = signal.WaitAsync();
        await signalled.WaitAsync(Options.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (signalled.IsCompleted && !stoppingToken.IsCancellationRequested)
        {
            // As the in-memory sender does: gather a batch for up to the flush interval, unless a full one is there.
            var api = tracking.CurrentValue.ConversionsApi;
            var full = Math.Clamp(api.MaxBatchSize, 1, ConversionsApiOptions.MaxEventsPerRequest);
            var started = time.GetTimestamp();
            while (signal.Count < full && !stoppingToken.IsCancellationRequested)
            {
                var left = api.FlushInterval - time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                await signal.WaitAsync().WaitAsync(left, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        signal.TakeCount();
    }
}
