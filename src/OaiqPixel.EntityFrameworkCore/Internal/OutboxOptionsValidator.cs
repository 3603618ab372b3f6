using Microsoft.Extensions.Options;

namespace OaiqPixel.EntityFrameworkCore.Internal;

/// <summary>Checks <see cref="OaiqOutboxOptions"/> at start-up, naming the key to fix (<c>Oaiq:Outbox:…</c>).</summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<OaiqOutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OaiqOutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.BatchSize is < 1 or > 10_000)
        {
            errors.Add($"Oaiq:Outbox:BatchSize must be between 1 and 10000 (records per round); it is {options.BatchSize}.");
        }

        Check(errors, nameof(options.LeaseDuration), options.LeaseDuration, TimeSpan.FromSeconds(1), "how long a dispatcher holds the records it took");
        Check(errors, nameof(options.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(10), "how often the dispatcher looks for due records");
        Check(errors, nameof(options.DeadLetterRetention), options.DeadLetterRetention, TimeSpan.FromMinutes(1), "how long dead letters are kept");
        Check(errors, nameof(options.CleanupInterval), options.CleanupInterval, TimeSpan.FromSeconds(1), "how often expired records are deleted");
        Check(errors, nameof(options.MaxDatabaseRetryDelay), options.MaxDatabaseRetryDelay, TimeSpan.FromMilliseconds(10), "the longest wait while the database is down");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string key, TimeSpan value, TimeSpan least, string meaning)
    {
        if (value < least)
        {
            errors.Add($"Oaiq:Outbox:{key} ({meaning}) must be at least {least:c}; it is {value:c}.");
        }
    }
}
