using System.Runtime.InteropServices;
using System.Text.Json;

namespace OaiqPixel;

/// <summary>
/// Turns a <see cref="ConversionEvent"/> into one compact byte array and back, so that a queue of events waiting for
/// the Conversions API holds a few hundred bytes per event instead of the caller's whole object graph.
/// </summary>
/// <remarks>
/// <para>
/// Strings are stored as UTF-8 (half the size of .NET's UTF-16), SHA-256 digests as their 32 bytes instead of 64 hex
/// characters (128 bytes as a string), amounts as variable-length integers with the currency as its index in the
/// ISO 4217 table, and every optional field as a bit or a zero byte. Nothing is lost: <see cref="Unpack"/> rebuilds an
/// event that serializes to the same Conversions API JSON.
/// </para>
/// <para>
/// The format is private to one process and one version of this assembly (a queue is never persisted), so it has no
/// version header.
/// </para>
/// </remarks>
internal static class ConversionEventPacker
{
    private const byte OptOutFlag = 1;
    private const byte ActionSourceFlag = 2;
    private const byte UserFlag = 4;

    private const byte ContentId = 1;
    private const byte ContentGroupId = 2;
    private const byte ContentName = 4;
    private const byte ContentType = 8;
    private const byte ContentQuantity = 16;
    private const byte ContentAmount = 32;
    private const byte ContentVariant = 64;

    private const int MaxKeptScratch = 16 * 1024;

    [ThreadStatic]
    private static PackedEventWriter? t_writer;

    /// <summary>Packs an event.</summary>
    /// <param name="conversionEvent">The event.</param>
    /// <returns>A new array holding the whole event.</returns>
    public static byte[] Pack(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        var e = conversionEvent;
        var w = t_writer ??= new PackedEventWriter();
        w.Reset();

        w.WriteByte((byte)((e.OptOut ? OptOutFlag : 0) | (e.ActionSource is null ? 0 : ActionSourceFlag) | (e.User is null ? 0 : UserFlag)));
        w.WriteInt64(e.Timestamp.Ticks);
        w.WriteInt16((short)e.Timestamp.TotalOffsetMinutes);
        if (e.ActionSource is { } actionSource)
        {
            w.WriteByte((byte)actionSource);
        }

        w.WriteByte(e.Event.NameIndex);
        if (e.Event.CustomEventName is { } customEventName)
        {
            w.WriteString(customEventName);
        }

        w.WriteString(e.Id);
        w.WriteString(e.Oppref);
        w.WriteString(e.SourceUrl);
        WriteData(w, e.Event.Data);
        if (e.User is { } user)
        {
            WriteUser(w, user);
        }

        var packed = w.ToArray();
        if (w.Capacity > MaxKeptScratch)
        {
            // One event with huge custom properties must not pin a huge buffer to this thread for good.
            t_writer = null;
        }

        return packed;
    }

    /// <summary>Rebuilds an event from what <see cref="Pack"/> returned.</summary>
    /// <param name="packed">The packed event.</param>
    /// <returns>An event equal in every field to the one packed.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a packed event.</exception>
    public static ConversionEvent Unpack(ReadOnlySpan<byte> packed)
    {
        var r = new PackedEventReader(packed);
        var flags = r.ReadByte();
        var ticks = r.ReadInt64();
        var offsetMinutes = r.ReadInt16();
        ActionSource? actionSource = (flags & ActionSourceFlag) != 0 ? (ActionSource)r.ReadByte() : null;
        var name = OaiqEventNames.All[r.ReadByte()];
        var customEventName = name == OaiqEventNames.Custom ? r.ReadRequiredString() : null;
        var id = r.ReadRequiredString();
        var oppref = r.ReadString();
        var sourceUrl = r.ReadString();
        var data = ReadData(ref r, name);
        var user = (flags & UserFlag) != 0 ? ReadUser(ref r) : null;
        if (!r.AtEnd)
        {
            throw new InvalidDataException("A packed event has bytes left over.");
        }

        return new ConversionEvent(OaiqEvent.Restore(name, data, customEventName), id, new DateTimeOffset(ticks, TimeSpan.FromMinutes(offsetMinutes)), oppref, sourceUrl)
        {
            OptOut = (flags & OptOutFlag) != 0,
            ActionSource = actionSource,
            User = user,
        };
    }

    private static void WriteData(PackedEventWriter w, EventData data)
    {
        WriteMoney(w, data.Amount);
        if (data.Type == EventDataType.CustomerAction)
        {
            return;
        }

        if (data.Type != EventDataType.Contents)
        {
            w.WriteString(data.PlanIdValue);
        }

        var contents = data.ContentItems;
        w.WriteVarUInt((ulong)contents.Count);
        for (var i = 0; i < contents.Count; i++)
        {
            WriteContent(w, contents[i]);
        }

        if (data is CustomData custom)
        {
            w.WriteVarUInt((ulong)custom.Properties.Count);
            foreach (var (propertyName, value) in custom.Properties)
            {
                w.WriteString(propertyName);
                w.WriteBytes(JsonMarshal.GetRawUtf8Value(value));
            }
        }
    }

    private static EventData ReadData(ref PackedEventReader r, string name)
    {
        OaiqEventNames.TryGetDataType(name, out var type);
        var amount = ReadMoney(ref r);
        if (type == EventDataType.CustomerAction)
        {
            return new CustomerActionData { Amount = amount };
        }

        var planId = type == EventDataType.Contents ? null : r.ReadString();
        var contents = new Content[r.ReadCount()];
        for (var i = 0; i < contents.Length; i++)
        {
            contents[i] = ReadContent(ref r);
        }

        switch (type)
        {
            case EventDataType.Contents:
                return new ContentsData { Amount = amount, Contents = contents };
            case EventDataType.PlanEnrollment:
                return new PlanEnrollmentData { Amount = amount, Contents = contents, PlanId = planId };
            default:
                var count = r.ReadCount();
                var properties = new Dictionary<string, JsonElement>(count, StringComparer.Ordinal);
                for (var i = 0; i < count; i++)
                {
                    var propertyName = r.ReadRequiredString();
                    var json = new Utf8JsonReader(r.ReadBytes());
                    properties[propertyName] = JsonElement.ParseValue(ref json);
                }

                return new CustomData { Amount = amount, Contents = contents, PlanId = planId, Properties = properties };
        }
    }

    private static void WriteMoney(PackedEventWriter w, Money? money)
    {
        if (money is not { } value)
        {
            w.WriteByte(0);
            return;
        }

        w.WriteByte(1);
        w.WriteVarUInt((ulong)value.MinorUnits);
        w.WriteVarUInt((ulong)value.IsoCurrency.Index);
    }

    private static Money? ReadMoney(ref PackedEventReader r)
    {
        if (r.ReadByte() == 0)
        {
            return null;
        }

        var minorUnits = checked((long)r.ReadVarUInt());
        return Money.Restore(minorUnits, Iso4217.ByIndex(r.ReadCount()));
    }

    private static void WriteContent(PackedEventWriter w, Content content)
    {
        var flags = (content.Id is null ? 0 : ContentId)
            | (content.GroupId is null ? 0 : ContentGroupId)
            | (content.Name is null ? 0 : ContentName)
            | (content.ContentType is null ? 0 : ContentType)
            | (content.Quantity is null ? 0 : ContentQuantity)
            | (content.Amount is null ? 0 : ContentAmount)
            | (content.Variant is null ? 0 : ContentVariant);
        w.WriteByte((byte)flags);
        if (content.Id is { } id)
        {
            w.WriteString(id);
        }

        if (content.GroupId is { } groupId)
        {
            w.WriteString(groupId);
        }

        if (content.Name is { } name)
        {
            w.WriteString(name);
        }

        if (content.ContentType is { } contentType)
        {
            w.WriteString(contentType);
        }

        if (content.Quantity is { } quantity)
        {
            w.WriteVarUInt((ulong)quantity);
        }

        if (content.Amount is { } amount)
        {
            WriteMoney(w, amount);
        }

        if (content.Variant is { } variant)
        {
            w.WriteVarUInt((ulong)variant.Count);
            foreach (var (key, value) in variant)
            {
                w.WriteString(key);
                w.WriteString(value);
            }
        }
    }

    private static Content ReadContent(ref PackedEventReader r)
    {
        var flags = r.ReadByte();
        var id = (flags & ContentId) != 0 ? r.ReadString() : null;
        var groupId = (flags & ContentGroupId) != 0 ? r.ReadString() : null;
        var name = (flags & ContentName) != 0 ? r.ReadString() : null;
        var contentType = (flags & ContentType) != 0 ? r.ReadString() : null;
        int? quantity = (flags & ContentQuantity) != 0 ? checked((int)r.ReadVarUInt()) : null;
        var amount = (flags & ContentAmount) != 0 ? ReadMoney(ref r) : null;
        Dictionary<string, string>? variant = null;
        if ((flags & ContentVariant) != 0)
        {
            var count = r.ReadCount();
            variant = new Dictionary<string, string>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var key = r.ReadRequiredString();
                variant[key] = r.ReadRequiredString();
            }
        }

        return new Content
        {
            Id = id,
            GroupId = groupId,
            Name = name,
            ContentType = contentType,
            Quantity = quantity,
            Amount = amount,
            Variant = variant,
        };
    }

    private static void WriteUser(PackedEventWriter w, UserData user)
    {
        // Most users have two or three of the nine lists: a bit per non-empty list, then only those.
        var present = 0UL;
        for (var i = 0; i < UserData.ListCount; i++)
        {
            if (user.ListAt(i).Count > 0)
            {
                present |= 1UL << i;
            }
        }

        w.WriteVarUInt(present);
        for (var i = 0; i < UserData.ListCount; i++)
        {
            if ((present & (1UL << i)) == 0)
            {
                continue;
            }

            var list = user.ListAt(i);
            // The digest lists hold digests by construction; the check keeps the format lossless regardless.
            var asDigests = i < UserData.HashedListCount && AllDigests(list);
            w.WriteVarUInt(((ulong)list.Count << 1) | (asDigests ? 0UL : 1UL));
            for (var j = 0; j < list.Count; j++)
            {
                if (asDigests)
                {
                    w.WriteDigest(list[j]);
                }
                else
                {
                    w.WriteString(list[j]);
                }
            }
        }

        w.WriteString(user.Obref);
        w.WriteString(user.IpAddress);
        w.WriteString(user.UserAgent);
        w.WriteString(user.AndroidAdvertisingId);
    }

    private static UserData ReadUser(ref PackedEventReader r)
    {
        var present = r.ReadVarUInt();
        var lists = new IReadOnlyList<string>[UserData.ListCount];
        for (var i = 0; i < lists.Length; i++)
        {
            if ((present & (1UL << i)) == 0)
            {
                lists[i] = [];
                continue;
            }

            var header = r.ReadVarUInt();
            var asDigests = (header & 1) == 0;
            var values = new string[checked((int)(header >> 1))];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = asDigests ? r.ReadDigest() : r.ReadRequiredString();
            }

            lists[i] = values;
        }

        return UserData.Restore(lists, r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString());
    }

    private static bool AllDigests(IReadOnlyList<string> list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (!UserDataNormalizer.IsSha256Hex(list[i]))
            {
                return false;
            }
        }

        return true;
    }
}
