using System.Text.Json;

namespace OaiqPixel;

/// <summary>
/// The <c>custom</c> data shape, used only by <c>custom</c> events: an optional plan id, amount and items, plus
/// free properties that reach the Conversions API (the pixel does not accept them and never receives them).
/// </summary>
public sealed class CustomData : EventData
{
    private static readonly HashSet<string> s_reservedNames = new(StringComparer.Ordinal) { "type", "plan_id", "amount", "currency", "contents" };

    private static IReadOnlyDictionary<string, JsonElement> EmptyProperties { get; } = new Dictionary<string, JsonElement>(0);

    /// <inheritdoc />
    public override EventDataType Type => EventDataType.Custom;

    /// <summary>An optional plan identifier (<c>plan_id</c>).</summary>
    public string? PlanId { get; init; }

    /// <summary>Optional items (<c>contents</c>); empty when there are none.</summary>
    public IReadOnlyList<Content> Contents
    {
        get;
        init => field = CheckContents(value, nameof(Contents));
    } = [];

    /// <summary>
    /// Free properties written beside the documented fields of <c>data</c> (Conversions API only). Any JSON value is
    /// allowed; names must be non-empty and must not be <c>type</c>, <c>plan_id</c>, <c>amount</c>, <c>currency</c> or <c>contents</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty or reserved, or a value is <c>default(JsonElement)</c>.</exception>
    public IReadOnlyDictionary<string, JsonElement> Properties
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var copy = new Dictionary<string, JsonElement>(value.Count, StringComparer.Ordinal);
            foreach (var (name, element) in value)
            {
                CheckPropertyName(name);
                if (element.ValueKind == JsonValueKind.Undefined)
                {
                    throw new ArgumentException($"Custom property '{name}' has no value; use JsonValueKind.Null for null.", nameof(Properties));
                }

                copy[name] = element.Clone();
            }

            field = copy;
        }
    } = EmptyProperties;

    /// <summary>Returns a copy with one more free property holding a string (or null).</summary>
    /// <param name="name">The property name.</param>
    /// <param name="value">The value; <see langword="null"/> writes JSON null.</param>
    /// <returns>A new <see cref="CustomData"/>.</returns>
    /// <exception cref="ArgumentException">The name is empty or reserved.</exception>
    public CustomData WithProperty(string name, string? value) =>
        WithProperty(name, value is null ? Element(static w => w.WriteNullValue()) : Element(w => w.WriteStringValue(value)));

    /// <summary>Returns a copy with one more free property holding an integer.</summary>
    /// <param name="name">The property name.</param>
    /// <param name="value">The value.</param>
    /// <returns>A new <see cref="CustomData"/>.</returns>
    /// <exception cref="ArgumentException">The name is empty or reserved.</exception>
    public CustomData WithProperty(string name, long value) => WithProperty(name, Element(w => w.WriteNumberValue(value)));

    /// <summary>Returns a copy with one more free property holding a number.</summary>
    /// <param name="name">The property name.</param>
    /// <param name="value">A finite number.</param>
    /// <returns>A new <see cref="CustomData"/>.</returns>
    /// <exception cref="ArgumentException">The name is empty or reserved, or the number is not finite.</exception>
    public CustomData WithProperty(string name, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"Custom property '{name}' must be a finite number; JSON has no NaN or infinity.", nameof(value));
        }

        return WithProperty(name, Element(w => w.WriteNumberValue(value)));
    }

    /// <summary>Returns a copy with one more free property holding a boolean.</summary>
    /// <param name="name">The property name.</param>
    /// <param name="value">The value.</param>
    /// <returns>A new <see cref="CustomData"/>.</returns>
    /// <exception cref="ArgumentException">The name is empty or reserved.</exception>
    public CustomData WithProperty(string name, bool value) => WithProperty(name, Element(w => w.WriteBooleanValue(value)));

    /// <summary>Returns a copy with one more free property holding any JSON value (object, array, …).</summary>
    /// <param name="name">The property name.</param>
    /// <param name="value">The value; it is cloned.</param>
    /// <returns>A new <see cref="CustomData"/>.</returns>
    /// <exception cref="ArgumentException">The name is empty or reserved, or the value is <c>default(JsonElement)</c>.</exception>
    public CustomData WithProperty(string name, JsonElement value)
    {
        var properties = new Dictionary<string, JsonElement>(Properties, StringComparer.Ordinal) { [name] = value };
        return new CustomData
        {
            Amount = Amount,
            PlanId = PlanId,
            Contents = Contents,
            Properties = properties,
        };
    }

    private static void CheckPropertyName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("Custom property names must be non-empty.", nameof(name));
        }

        if (s_reservedNames.Contains(name))
        {
            throw new ArgumentException(
                $"'{name}' is a documented field of custom data; set it through the {nameof(CustomData)} property instead of a free property.",
                nameof(name));
        }
    }

    private static JsonElement Element(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
