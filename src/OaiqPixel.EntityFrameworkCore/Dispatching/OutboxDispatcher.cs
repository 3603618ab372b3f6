using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiqPixel.AspNetCore;
using OaiqPixel.AspNetCore.ConversionsApi;
using OaiqPixel.EntityFrameworkCore.Internal;
using OaiqPixel.EntityFrameworkCore.Writing;

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
internal sealed class OutboxDispatcher : IHostedService, IDisposable
{
    private readonly IOutboxContextFactory _contexts;
    private readonly OutboxRouting _routing;
    private readonly OutboxSignal _signal;
    private readonly OutboxStatus _status;
    private readonly IOptionsMonitor<OaiqTrackingOptions> _tracking;
    private readonly IOptionsMonitor<OaiqOutboxOptions> _outbox;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly DatabaseClock _clock;
    private readonly ClaimSettler _settler;
    private readonly OutboxRound _round;
    private readonly OutboxCleanup _cleanup;
    private Task? _loop;
    private DateTimeOffset _nextCleanup;
    private string _table = OaiqOutboxModelBuilderExtensions.DefaultTableName;

    public OutboxDispatcher(
        IOutboxContextFactory contexts,
        IConversionsApiDelivery delivery,
        OutboxRouting routing,
        OutboxSignal signal,
        OutboxStatus status,
        OutboxInstrumentation metrics,
        IOptionsMonitor<OaiqTrackingOptions> tracking,
        IOptionsMonitor<OaiqOutboxOptions> outbox,
        TimeProvider time,
        ILogger<OutboxDispatcher> logger)
    {
        _contexts = contexts;
        _routing = routing;
        _signal = signal;
        _status = status;
        _tracking = tracking;
        _outbox = outbox;
        _time = time;
        _logger = logger;
        _clock = new DatabaseClock(time);
        _settler = new ClaimSettler(contexts, _clock, logger);
        _round = new OutboxRound(contexts, delivery, _settler, status, metrics, outbox, time, logger, _abort.Token) { Claimer = new PortableClaimer(_clock) };
        _cleanup = new OutboxCleanup(contexts, _clock, status, metrics, outbox, time, logger);
    }

    /// <summary>Whether PostgreSQL claims with row locks (<see cref="RowLockingClaimer"/>); tests turn it off to run the portable claim there too.</summary>
    internal bool UseRowLocking { get; set; } = true;

    /// <summary>How the dispatcher claims (after <see cref="Prepare"/>).</summary>
    internal IOutboxClaimer Claimer => _round.Claimer;

    /// <summary>The clock leases are judged by (after <see cref="Prepare"/>).</summary>
    internal DatabaseClock Clock => _clock;

    private OaiqOutboxOptions Options => _outbox.CurrentValue;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The app's context does not map the outbox table (<c>modelBuilder.AddOaiqOutbox()</c>), or is not registered (<c>AddDbContext</c>).</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (table, provider) = Prepare();
        _table = table;
        var idle = !Options.DispatcherEnabled ? "Oaiq:Outbox:DispatcherEnabled is false"
            : !_routing.IsEnabled ? "the server leg is off (no Oaiq:ConversionsApi:ApiKey or PixelId, or tracking disabled)"
            : null;
        if (idle is not null)
        {
            _status.Idle(idle);
            OutboxLog.Idle(_logger, idle);
            return Task.CompletedTask;
        }

        var options = Options;
        OutboxLog.DispatcherStarted(_logger, _contexts.ContextType.Name, table, provider, Claimer.Method, options.BatchSize, options.LeaseDuration, options.PollInterval);
        if (_clock.NowSql is null)
        {
            OutboxLog.InstanceClock(_logger, provider);
        }

        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Checks that the app's context maps the table, and picks how to claim and whose clock to judge by for its provider.</summary>
    /// <returns>The table's name and the provider.</returns>
    /// <exception cref="InvalidOperationException">The table is not mapped.</exception>
    internal (string Table, string? Provider) Prepare()
    {
        using var lease = _contexts.Create();
        var context = lease.Context;
        var entity = context.Model.FindEntityType(typeof(OaiqOutboxMessage));
        if (entity is null)
        {
            var name = _contexts.ContextType.Name;
            OutboxLog.NotMapped(_logger, name);
            throw new InvalidOperationException(
                $"The OaiqPixel outbox table is not in {name}'s model: call modelBuilder.AddOaiqOutbox() in {name}.OnModelCreating (then add a migration), or remove AddEntityFrameworkOutbox<{name}>().");
        }

        var provider = context.Database.ProviderName;
        _clock.Prepare(provider);
        _round.Claimer = UseRowLocking && provider == RowLockingClaimer.PostgreSqlProvider ? new RowLockingClaimer(_clock) : new PortableClaimer(_clock);
        return (entity.GetSchemaQualifiedTableName() ?? OaiqOutboxModelBuilderExtensions.DefaultTableName, provider);
    }

    /// <summary>Runs one round (<see cref="OutboxRound.RunAsync"/>).</summary>
    internal Task<RoundResult> RunRoundAsync(CancellationToken stoppingToken) => _round.RunAsync(stoppingToken);

    /// <summary>Runs the housekeeping once (<see cref="OutboxCleanup"/>).</summary>
    internal Task CleanupAsync(CancellationToken cancellationToken) => _cleanup.RunAsync(cancellationToken);

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _abort.CancelAfter(_tracking.CurrentValue.ConversionsApi.ShutdownTimeout);
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

        await _settler.ReleaseAsync(_round.Current).ConfigureAwait(false);
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
                if (_time.GetUtcNow() >= _nextCleanup)
                {
                    await CleanupAsync(stoppingToken).ConfigureAwait(false);
                    _nextCleanup = _time.GetUtcNow() + Options.CleanupInterval;
                }

                var round = await RunRoundAsync(stoppingToken).ConfigureAwait(false);
                var failures = _status.DatabaseReached(_time.GetUtcNow());
                databaseDelay = TimeSpan.Zero;
                if (failures > 0)
                {
                    OutboxLog.DatabaseRecovered(_logger, failures);
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
                    if (await DatabaseFailure.IsTableUnreadableAsync(_contexts, stoppingToken).ConfigureAwait(false))
                    {
                        // The database answers but has no (matching) table: waiting will not fix it, a migration will.
                        var context = _contexts.ContextType.Name;
                        _status.DatabaseFailed(_time.GetUtcNow(), $"the table {_table} is missing from {context}'s database or does not match its model, {reason}; add and apply a migration for it");
                        OutboxLog.TableMissing(_logger, _table, context, reason, wait);
                    }
                    else
                    {
                        _status.DatabaseFailed(_time.GetUtcNow(), reason);
                        OutboxLog.DatabaseUnavailable(_logger, reason, wait);
                    }
                }
                else
                {
                    OutboxLog.DispatcherFailed(_logger, ex, wait);
                }
            }

            await DelayAsync(wait, stoppingToken).ConfigureAwait(false);
        }

        var delivered = _status.Read(0).Delivered;
        OutboxLog.DispatcherStopped(_logger, delivered);
    }

    /// <summary>Waits for a commit in this process (then for the flush interval to gather a batch) or the poll interval.</summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var signalled = _signal.WaitAsync();
        var first = await Task.WhenAny(signalled, Task.Delay(Options.PollInterval, _time, cancel.Token)).ConfigureAwait(false);
        await cancel.CancelAsync().ConfigureAwait(false);
        if (first == signalled && !stoppingToken.IsCancellationRequested)
        {
            // As the in-memory sender does: gather a batch for up to the flush interval, unless a full one is there.
            var api = _tracking.CurrentValue.ConversionsApi;
            var full = Math.Clamp(api.MaxBatchSize, 1, ConversionsApiOptions.MaxEventsPerRequest);
            var started = _time.GetTimestamp();
            while (_signal.Count < full && !stoppingToken.IsCancellationRequested)
            {
                var left = api.FlushInterval - _time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                using var flush = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(_signal.WaitAsync(), Task.Delay(left, _time, flush.Token)).ConfigureAwait(false);
                await flush.CancelAsync().ConfigureAwait(false);
            }
        }

        _signal.TakeCount();
    }

    private async Task DelayAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
