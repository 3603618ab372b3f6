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
/// Delivers the outbox table: rounds of claim (a lease, so any number of instances share the table), send through the
/// server leg's pipeline (<see cref="IConversionsApiDelivery"/>), then delete what was delivered, keep dead letters with
/// the API's message, and reschedule the rest with a back-off. Woken by commits in this process, polls otherwise. A
/// database or API outage is logged, reported by the health check and waited out; nothing committed is lost.
/// </summary>
/// <remarks>
/// A plain <see cref="IHostedService"/>, like the in-memory sender, so it starts even when the host stops at once. On a
/// graceful stop the round in flight finishes (for up to <c>ConversionsApi:ShutdownTimeout</c>) and any record it still
/// holds undelivered is released for the next dispatcher; after a hard kill they wait for their lease to run out. A round
/// the database cuts is settled as soon as it answers again (<see cref="HeldClaim"/>): delivered records are deleted,
/// the others released; only records whose send itself was cut stay claimed until the lease ends.
/// </remarks>
internal sealed partial class OutboxDispatcher : IHostedService, IDisposable
{
    private readonly IOutboxContextFactory _contexts;
    private readonly IConversionsApiDelivery _delivery;
    private readonly OutboxRouting _routing;
    private readonly OutboxSignal _signal;
    private readonly OutboxStatus _status;
    private readonly OutboxInstrumentation _metrics;
    private readonly IOptionsMonitor<OaiqTrackingOptions> _tracking;
    private readonly IOptionsMonitor<OaiqOutboxOptions> _outbox;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _cutLock = new();
    private readonly List<HeldClaim> _cut = [];
    private IOutboxClaimer _claimer = new PortableClaimer();
    private Task? _loop;
    private HeldClaim? _round;
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
        _delivery = delivery;
        _routing = routing;
        _signal = signal;
        _status = status;
        _metrics = metrics;
        _tracking = tracking;
        _outbox = outbox;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether PostgreSQL claims with row locks (<see cref="RowLockingClaimer"/>); tests turn it off to run the portable claim there too.</summary>
    internal bool UseRowLocking { get; set; } = true;

    /// <summary>How the dispatcher claims (after <see cref="StartAsync"/>).</summary>
    internal IOutboxClaimer Claimer => _claimer;

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
        OutboxLog.DispatcherStarted(_logger, _contexts.ContextType.Name, table, provider, _claimer.Method, options.BatchSize, options.LeaseDuration, options.PollInterval);
        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Checks that the app's context maps the table, and picks how to claim for its provider.</summary>
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
        _claimer = UseRowLocking && provider == RowLockingClaimer.PostgreSqlProvider ? new RowLockingClaimer() : new PortableClaimer();
        return (entity.GetSchemaQualifiedTableName() ?? OaiqOutboxModelBuilderExtensions.DefaultTableName, provider);
    }

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

        await ReleaseAsync().ConfigureAwait(false);
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
                if (IsDatabaseFailure(ex))
                {
                    var reason = Describe(ex);
                    if (await TableUnreadableAsync(stoppingToken).ConfigureAwait(false))
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

    /// <summary>
    /// Whether the database answers while the outbox table cannot be read: the table was never created (no migration
    /// applied) or differs from the model. False when the database itself is unreachable, or the table reads fine.
    /// </summary>
    private async Task<bool> TableUnreadableAsync(CancellationToken stoppingToken)
    {
        try
        {
            var lease = _contexts.Create();
            await using (lease.ConfigureAwait(false))
            {
                var database = lease.Context.Database;
                if (!await database.CanConnectAsync(stoppingToken).ConfigureAwait(false))
                {
                    return false;
                }

                try
                {
                    await lease.Context.Set<OaiqOutboxMessage>().AsNoTracking().AnyAsync(stoppingToken).ConfigureAwait(false);
                    return false;
                }
                catch (Exception ex) when (IsDatabaseFailure(ex))
                {
                    // Connected a moment ago: if it still connects, the failure is the table's, not the connection's.
                    return await database.CanConnectAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The probe only chooses the message; whatever it meets, the round's own failure is still logged.
            return false;
        }
    }

    private static bool IsDatabaseFailure(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Data.Common.DbException or TimeoutException or System.Net.Sockets.SocketException or IOException or DbUpdateException)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(Exception exception)
    {
        var ex = exception;
        while (ex.InnerException is not null && ex is not System.Data.Common.DbException)
        {
            ex = ex.InnerException;
        }

        var message = ex.Message.ReplaceLineEndings(" ").Trim();
        return ex.GetType().Name + ": " + (message.Length <= 300 ? message : string.Concat(message.AsSpan(0, 300), "…"));
    }
}
