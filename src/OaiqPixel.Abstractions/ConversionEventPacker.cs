using System.Buffers;
using System.Text;
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
/// version header. Fields are stored in the order the Conversions API event writes them, so
/// <see cref="WriteJson(IBufferWriter{byte}, ReadOnlySpan{byte})"/> writes the event's JSON straight from the bytes in
/// one forward pass, without rebuilding the objects.
/// </para>
/// </remarks>
internal static class ConversionEventPacker
{
    private const byte OptOutFlag = 1;
    private const byte ActionSourceFlag = 2;
    private const byte UserFlag = 4;
    private const byte EmptyUserFlag = 8;

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

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_json;

    // Per event name (by its index in OaiqEventNames.All), the fixed fragments of its JSON, built once.
    private static readonly EventJsonFragments[] s_fragments = [.. OaiqEventNames.All.Select(EventJsonFragments.For)];

    private static readonly byte[][] s_actionSourceFragments =
        [.. Enum.GetValues<ActionSource>().Select(static s => Encoding.UTF8.GetBytes($",\"action_source\":\"{WireNames.Of(s)}\""))];

    private static readonly byte[][] s_userListNames =
        [.. new[]
        {
            WireNames.EmailsSha256, WireNames.PhoneNumbersSha256, WireNames.ExternalIdsSha256, WireNames.FirstNamesSha256,
            WireNames.LastNamesSha256, WireNames.Countries, WireNames.Regions, WireNames.Cities, WireNames.PostalCodes,
        }.Select(static n => Encoding.UTF8.GetBytes($"\"{n}\":"))];

    /// <summary>Packs an event.</summary>
    /// <param name="conversionEvent">The event.</param>
    /// <returns>A new array holding the whole event.</returns>
    public static byte[] Pack(ConversionEvent conversionEvent)
    {
        var packed = PackIntoScratch(conversionEvent).ToArray();
        ReleaseLargeScratch();
        return packed;
    }

    /// <summary>Lets go of this thread's scratch buffer when one unusually large event grew it.</summary>
    private static void ReleaseLargeScratch()
    {
        if (t_writer is { Capacity: > MaxKeptScratch })
        {
            // One event with huge custom properties must not pin a huge buffer to this thread for good.
            t_writer = null;
        }
    }

    private static PackedEventWriter PackIntoScratch(ConversionEvent conversionEvent)
    {
        ArgumentNullException.ThrowIfNull(conversionEvent);
        var e = conversionEvent;
        var w = t_writer ??= new PackedEventWriter();
        w.Reset();

        var userFlag = e.User is null ? 0 : e.User.IsEmpty ? EmptyUserFlag : UserFlag;
        w.WriteByte((byte)((e.OptOut ? OptOutFlag : 0) | (e.ActionSource is null ? 0 : ActionSourceFlag) | userFlag));
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
        if (userFlag == UserFlag)
        {
            WriteUser(w, e.User!);
        }

        WriteData(w, e.Event.Data);
        return w;
    }

    /// <summary>Rebuilds an event from what <see cref="Pack"/> returned.</summary>
    /// <param name="packed">The packed event.</param>
    /// <returns>An event equal in every field to the one packed.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a packed event.</exception>
    public static ConversionEvent Unpack(ReadOnlySpan<byte> packed)
    {
        var r = new PackedEventReader(packed);
        var (flags, timestamp, actionSource, nameIndex) = ReadHeader(ref r);
        var name = OaiqEventNames.All[nameIndex];
        var customEventName = name == OaiqEventNames.Custom ? r.ReadRequiredString() : null;
        var id = r.ReadRequiredString();
        var oppref = r.ReadString();
        var sourceUrl = r.ReadString();
        var user = (flags & UserFlag) != 0 ? ReadUser(ref r) : (flags & EmptyUserFlag) != 0 ? UserData.Empty : null;
        var data = ReadData(ref r, name);
        if (!r.AtEnd)
        {
            throw new InvalidDataException("A packed event has bytes left over.");
        }

        return new ConversionEvent(OaiqEvent.Restore(name, data, customEventName), id, timestamp, oppref, sourceUrl)
        {
            OptOut = (flags & OptOutFlag) != 0,
            ActionSource = actionSource,
            User = user,
        };
    }

    /// <summary>Reads only the time of a packed event (the sender drops stale events without rebuilding them).</summary>
    /// <param name="packed">What <see cref="Pack"/> returned.</param>
    /// <returns>The event's <see cref="ConversionEvent.Timestamp"/>.</returns>
    public static DateTimeOffset ReadTimestamp(ReadOnlySpan<byte> packed)
    {
        var r = new PackedEventReader(packed);
        return ReadHeader(ref r).Timestamp;
    }

    private static (byte Flags, DateTimeOffset Timestamp, ActionSource? ActionSource, byte NameIndex) ReadHeader(ref PackedEventReader r)
    {
        var flags = r.ReadByte();
        var ticks = r.ReadInt64();
        var timestamp = new DateTimeOffset(ticks, TimeSpan.FromMinutes(r.ReadInt16()));
        ActionSource? actionSource = (flags & ActionSourceFlag) != 0 ? (ActionSource)r.ReadByte() : null;
        var nameIndex = r.ReadByte();
        if (nameIndex >= OaiqEventNames.All.Count)
        {
            throw new InvalidDataException("A packed event has an unknown event name.");
        }

        return (flags, timestamp, actionSource, nameIndex);
    }

    /// <summary>
    /// Writes a packed event as its Conversions API event object, byte for byte what
    /// <see cref="ConversionsApiSerializer.WriteEvent"/> writes for the event that was packed.
    /// </summary>
    /// <param name="output">Where the UTF-8 JSON goes.</param>
    /// <param name="packed">What <see cref="Pack"/> returned.</param>
    public static void WriteJson(IBufferWriter<byte> output, ReadOnlySpan<byte> packed)
    {
        var writer = new RawJsonWriter(output);
        WriteJson(ref writer, packed);
        writer.Flush();
    }

    /// <summary>Writes a packed event as its Conversions API event object into a raw writer (the sender's path).</summary>
    /// <param name="w">The writer, positioned where a value may be written.</param>
    /// <param name="packed">What <see cref="Pack"/> returned.</param>
    public static void WriteJson(ref RawJsonWriter w, ReadOnlySpan<byte> packed)
    {
        var r = new PackedEventReader(packed);
        var (flags, timestamp, actionSource, nameIndex) = ReadHeader(ref r);
        var fragments = s_fragments[nameIndex];

        var customEventName = fragments.IsCustom ? r.ReadRequiredUtf8() : default;
        w.Raw("{\"id\":"u8);
        w.String(r.ReadRequiredUtf8());
        w.Raw(fragments.TypeAndTimestamp);
        w.Number(timestamp.ToUnixTimeMilliseconds());
        if (fragments.IsCustom)
        {
            w.Raw(",\"custom_event_name\":"u8);
            w.String(customEventName);
        }

        if (r.TryReadUtf8(out var oppref))
        {
            w.Raw(",\"oppref\":"u8);
            w.String(oppref);
        }

        var hasSourceUrl = r.TryReadUtf8(out var sourceUrl);
        if (hasSourceUrl)
        {
            w.Raw(",\"source_url\":"u8);
            w.String(sourceUrl);
        }

        if (ConversionEvent.InferActionSource(actionSource, OaiqEventNames.All[nameIndex], hasSourceUrl) is { } source)
        {
            w.Raw(s_actionSourceFragments[(int)source]);
        }

        if ((flags & UserFlag) != 0)
        {
            WriteUserJson(ref w, ref r);
        }

        if ((flags & OptOutFlag) != 0)
        {
            w.Raw(",\"opt_out\":true"u8);
        }

        w.Raw(fragments.DataAndType);
        WriteDataJson(ref w, ref r, fragments.DataType);
        w.Raw((byte)'}');
        if (!r.AtEnd)
        {
            throw new InvalidDataException("A packed event has bytes left over.");
        }
    }

    private static void WriteUserJson(ref RawJsonWriter w, ref PackedEventReader r)
    {
        w.Raw(",\"user\":{"u8);
        var first = true;
        if (r.TryReadUtf8(out var obref))
        {
            Property(ref w, ref first, "\"obref\":"u8);
            w.String(obref);
        }

        var present = r.ReadVarUInt();
        for (var i = 0; i < UserData.ListCount; i++)
        {
            if ((present & (1UL << i)) == 0)
            {
                continue;
            }

            var header = r.ReadVarUInt();
            var asDigests = (header & 1) == 0;
            Property(ref w, ref first, s_userListNames[i]);
            w.Raw((byte)'[');
            for (var j = (int)(header >> 1); j > 0; j--)
            {
                if (asDigests)
                {
                    w.HexString(r.ReadDigestBytes());
                }
                else
                {
                    w.String(r.ReadRequiredUtf8());
                }

                if (j > 1)
                {
                    w.Raw((byte)',');
                }
            }

            w.Raw((byte)']');
        }

        if (r.TryReadUtf8(out var androidAdvertisingId))
        {
            Property(ref w, ref first, "\"android_advertising_id\":"u8);
            w.String(androidAdvertisingId);
        }

        if (r.TryReadUtf8(out var ipAddress))
        {
            Property(ref w, ref first, "\"ip_address\":"u8);
            w.String(ipAddress);
        }

        if (r.TryReadUtf8(out var userAgent))
        {
            Property(ref w, ref first, "\"user_agent\":"u8);
            w.String(userAgent);
        }

        w.Raw((byte)'}');
    }

    private static void WriteDataJson(ref RawJsonWriter w, ref PackedEventReader r, EventDataType type)
    {
        // The object is open and its "type" written (fragments.DataAndType), so every field here follows a comma.
        if (type is EventDataType.PlanEnrollment or EventDataType.Custom && r.TryReadUtf8(out var planId))
        {
            w.Raw(",\"plan_id\":"u8);
            w.String(planId);
        }

        var first = false;
        WriteMoneyJson(ref w, ref r, ref first);
        if (type != EventDataType.CustomerAction)
        {
            var count = r.ReadCount();
            if (count > 0)
            {
                w.Raw(",\"contents\":["u8);
                for (var i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        w.Raw((byte)',');
                    }

                    WriteContentJson(ref w, ref r);
                }

                w.Raw((byte)']');
            }
        }

        if (type == EventDataType.Custom)
        {
            for (var i = r.ReadCount(); i > 0; i--)
            {
                w.Raw((byte)',');
                w.PropertyName(r.ReadRequiredUtf8());
                w.Raw(r.ReadBytes());
            }
        }

        w.Raw((byte)'}');
    }

    private static void WriteMoneyJson(ref RawJsonWriter w, ref PackedEventReader r, ref bool first)
    {
        if (r.ReadByte() == 0)
        {
            return;
        }

        Property(ref w, ref first, "\"amount\":"u8);
        w.Number(checked((long)r.ReadVarUInt()));
        w.Raw(",\"currency\":"u8);
        w.String(Iso4217.ByIndex(r.ReadCount()).Encoded.EncodedUtf8Bytes);
    }

    private static void WriteContentJson(ref RawJsonWriter w, ref PackedEventReader r)
    {
        var flags = r.ReadByte();
        var first = true;
        w.Raw((byte)'{');
        StringPropertyIf((flags & ContentId) != 0, ref w, ref r, ref first, "\"id\":"u8);
        StringPropertyIf((flags & ContentGroupId) != 0, ref w, ref r, ref first, "\"group_id\":"u8);
        StringPropertyIf((flags & ContentName) != 0, ref w, ref r, ref first, "\"name\":"u8);
        StringPropertyIf((flags & ContentType) != 0, ref w, ref r, ref first, "\"content_type\":"u8);

        if ((flags & ContentQuantity) != 0)
        {
            Property(ref w, ref first, "\"quantity\":"u8);
            w.Number(checked((int)r.ReadVarUInt()));
        }

        if ((flags & ContentAmount) != 0)
        {
            WriteMoneyJson(ref w, ref r, ref first);
        }

        if ((flags & ContentVariant) != 0)
        {
            var count = r.ReadCount();
            if (count > 0)
            {
                Property(ref w, ref first, "\"variant_dict\":{"u8);
                for (var i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        w.Raw((byte)',');
                    }

                    w.PropertyName(r.ReadRequiredUtf8());
                    w.String(r.ReadRequiredUtf8());
                }

                w.Raw((byte)'}');
            }
        }

        w.Raw((byte)'}');
    }

    /// <summary>When the packed flags say a string field is present, reads it and writes it as a property.</summary>
    private static void StringPropertyIf(bool present, ref RawJsonWriter w, ref PackedEventReader r, ref bool first, ReadOnlySpan<byte> nameAndColon)
    {
        if (present)
        {
            Property(ref w, ref first, nameAndColon);
            w.String(r.ReadRequiredUtf8());
        }
    }

    /// <summary>Writes a property name (a pre-built <c>"name":</c> fragment) with the comma that precedes all but the first.</summary>
    private static void Property(ref RawJsonWriter w, ref bool first, ReadOnlySpan<byte> nameAndColon)
    {
        if (!first)
        {
            w.Raw((byte)',');
        }

        first = false;
        w.Raw(nameAndColon);
    }

    private static void WriteData(PackedEventWriter w, EventData data)
    {
        if (data.Type is EventDataType.PlanEnrollment or EventDataType.Custom)
        {
            w.WriteString(data.PlanIdValue);
        }

        WriteMoney(w, data.Amount);
        if (data.Type == EventDataType.CustomerAction)
        {
            return;
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
                // As the serializer writes it (its escaping, no white space), so the queued copy can be written verbatim.
                w.WriteBytes(NormalizedJson(value));
            }
        }
    }

    private static EventData ReadData(ref PackedEventReader r, string name)
    {
        OaiqEventNames.TryGetDataType(name, out var type);
        var planId = type is EventDataType.PlanEnrollment or EventDataType.Custom ? r.ReadString() : null;
        var amount = ReadMoney(ref r);
        if (type == EventDataType.CustomerAction)
        {
            return new CustomerActionData { Amount = amount };
        }

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
        w.WriteString(user.Obref);

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

        w.WriteString(user.AndroidAdvertisingId);
        w.WriteString(user.IpAddress);
        w.WriteString(user.UserAgent);
    }

    private static UserData ReadUser(ref PackedEventReader r)
    {
        var obref = r.ReadString();
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

        var androidAdvertisingId = r.ReadString();
        var ipAddress = r.ReadString();
        return UserData.Restore(lists, obref, ipAddress, r.ReadString(), androidAdvertisingId);
    }

    private static ReadOnlySpan<byte> NormalizedJson(JsonElement value)
    {
        var buffer = t_json ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, ConversionsApiSerializer.WriterOptions))
        {
            value.WriteTo(writer);
        }

        return buffer.WrittenSpan;
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
