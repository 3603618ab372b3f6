using System.ComponentModel.DataAnnotations;

namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

public sealed class Order
{
    public int Id { get; set; }

    public string Number { get; set; } = string.Empty;

    public long TotalCents { get; set; }

    /// <summary>Checked by every update, so a change another writer made first fails the save with a concurrency exception.</summary>
    [ConcurrencyCheck]
    public int Version { get; set; }
}
