using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>
/// The app's changes one save writes, as <see cref="OutboxAppSaves"/> compares two saves to tell a retry from a save of
/// other changes: the changed entity objects, and the rows they write — the row's key once it is known (an update, a
/// delete, an insert whose key the app set) with what the save does to it (inserts, deletes, or which columns it
/// updates) and, for an insert, the values it writes. So a retry that re-reads its rows
/// after a conflict (<c>ChangeTracker.Clear</c>, then the query again) or makes a new context for each attempt (EF Core's
/// connection-resiliency pattern) writes the same changes as the save that failed, though with other objects.
/// </summary>
internal sealed class AppChanges
{
    private const char Separator = '\u001f';

    private readonly HashSet<object> _entities = new(ReferenceEqualityComparer.Instance);
    private readonly List<EntityEntry> _entries = [];
    private HashSet<string>? _rows;
    private List<(object Entity, string? Key, string? Values)>? _written;

    // What an insert writes of the app's does not change with the row: computed once per entity type. Weakly keyed so a
    // model that is thrown away (a test's, a tenant's) does not stay alive through it.
    private static readonly ConditionalWeakTable<IEntityType, IProperty[]> AppWritten = new();

    /// <summary>How many entity objects the save writes.</summary>
    public int Count => _entities.Count;

    /// <summary>
    /// What a save of <paramref name="context"/> is about to write of the app's (the outbox's own rows aside). The rows
    /// are described only by <see cref="Describe"/>: most saves never fail, and none then needs them.
    /// </summary>
    public static AppChanges Of(DbContext context)
    {
        var changes = new AppChanges();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted) || entry.Entity is OaiqOutboxMessage)
            {
                continue;
            }

            changes._entities.Add(entry.Entity);
            changes._entries.Add(entry);
        }

        return changes;
    }

    /// <summary>
    /// Describes the rows the save writes, as the change tracker holds them now; once only, so a failed save keeps the
    /// description of the changes it failed with. Called while the entries still hold the save's changes: as it fails
    /// (before the app clears or changes them), or as it starts when its failure would come after EF Core accepted them.
    /// </summary>
    public void Describe()
    {
        if (_written is not null)
        {
            return;
        }

        _rows = new HashSet<string>(StringComparer.Ordinal);
        _written = new List<(object, string?, string?)>(_entries.Count);
        foreach (var entry in _entries)
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                // Detached or accepted since: matched by its entity object only.
                _written.Add((entry.Entity, null, null));
                continue;
            }

            var type = entry.Metadata;
            string? row = null, values = null;
            if (type.FindPrimaryKey() is { } key && !key.Properties.Any(p => entry.Property(p).IsTemporary))
            {
                // The same row changed another way (another column updated, or deleted instead) is not the failed change.
                row = Add(DescribeRow(Change(entry), type, key.Properties, entry));
            }

            // The key and other generated values differ from one attempt to the next; what the app wrote does not.
            if (entry.State == EntityState.Added
                && AppWritten.GetValue(type, static t => [.. t.GetProperties().Where(p => !p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.Never)]) is { Length: > 0 } columns
                && columns.Where(p => !entry.Property(p).IsTemporary).ToList() is { Count: > 0 } written)
            {
                values = Add(DescribeRow("v", type, written, entry));
            }

            _written.Add((entry.Entity, row, values));
        }

        _entries.Clear();
    }

    /// <summary>
    /// Whether this save writes again every change of the <paramref name="failed"/> one (each by its entity object or its
    /// row): a save that repeats only some of them — a row of the same values, after the app gave up on the rest — is not
    /// its retry.
    /// </summary>
    public bool Retries(AppChanges failed)
    {
        failed.Describe();
        if (failed._written!.Count == 0)
        {
            return false;
        }

        Describe();
        return failed._written.TrueForAll(w => _entities.Contains(w.Entity) || (w.Key is not null && _rows!.Contains(w.Key)) || (w.Values is not null && _rows!.Contains(w.Values)));
    }

    private string? Add(string? row)
    {
        if (row is not null)
        {
            _rows!.Add(row);
        }

        return row;
    }

    private static string Change(EntityEntry entry) => entry.State switch
    {
        EntityState.Added => "a",
        EntityState.Deleted => "d",
        _ => "m" + string.Join(Separator, entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name)),
    };

    /// <returns><see langword="null"/> when a value cannot be described: the row is then matched by its entity object only.</returns>
    private static string? DescribeRow(string kind, IEntityType type, IReadOnlyList<IProperty> properties, EntityEntry entry)
    {
        var text = new StringBuilder().Append(kind).Append(Separator).Append(type.Name);
        foreach (var property in properties)
        {
            if (Format(property, entry.Property(property).CurrentValue) is not { } value)
            {
                return null;
            }

            text.Append(Separator).Append(property.Name).Append('=').Append(value);
        }

        return text.ToString();
    }

    /// <summary>
    /// The value as the column stores it (after the property's value converter), so values of the app's own types compare
    /// by what is written rather than by their <c>ToString</c>; the app's save must never fail because of this comparison.
    /// </summary>
    private static string? Format(IProperty property, object? value)
    {
        try
        {
            var stored = value is not null && property.GetTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value) : value;
            return stored switch
            {
                null => "\0",
                byte[] bytes => Convert.ToBase64String(bytes),
                _ => Convert.ToString(stored, CultureInfo.InvariantCulture) ?? string.Empty,
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }
}
