namespace OaiqPixel.AspNetCore.Tests.Serialization;

/// <summary>Seeded random valid events over every event name, data shape and optional field, for property tests.</summary>
internal static class RandomEvents
{
    private static readonly string[] s_currencies = ["USD", "EUR", "JPY", "KWD", "IDR", "GBP", "CLF"];
    // Plain ASCII (the raw writer's fast path) and everything that must be escaped or passed through the encoder:
    // quotes, backslashes, control characters, DEL, HTML-sensitive ASCII, non-ASCII, line separators, emoji, U+FFFD.
    private static readonly string[] s_words =
    [
        "sku_1", "Starter bundle", "Café", "</script>", "a\"b", "\u2028", "Ştefan", "x", "back\\slash", "tab\there\r\n",
        "\u0001\u001f", "del\u007f", "<a href='x'>&+`", "日本語", "emoji \U0001F600", "\uFFFD", "https://shop.example/p?q=1&r=2",
    ];

    public static ConversionEvent Next(Random random, int i, DateTimeOffset? now = null)
    {
        var name = OaiqEventNames.All[random.Next(OaiqEventNames.All.Count)];
        OaiqEventNames.TryGetDataType(name, out var shape);
        Money? amount = random.Next(3) == 0 ? null : Money.FromMinorUnits(random.NextInt64(0, 10_000_000), s_currencies[random.Next(s_currencies.Length)]);
        var contents = Enumerable.Range(0, random.Next(4)).Select(_ => RandomContent(random)).ToArray();
        string? planId = random.Next(2) == 0 ? null : Word(random);
        EventData data = shape switch
        {
            EventDataType.Contents => new ContentsData { Amount = amount, Contents = contents },
            EventDataType.CustomerAction => new CustomerActionData { Amount = amount },
            EventDataType.PlanEnrollment => new PlanEnrollmentData { Amount = amount, Contents = contents, PlanId = planId },
            _ => RandomCustom(random, amount, contents, planId),
        };

        var evt = OaiqEvent.Create(name, data, shape == EventDataType.Custom ? $"custom_{random.Next(1000)}" : null);
        var timestamp = now is { } at ? at.AddMinutes(-random.Next(0, 9 * 24 * 60) / 1.3) : DateTimeOffset.UnixEpoch.AddDays(random.Next(20000));
        var isApp = name is OaiqEventNames.AppInstalled or OaiqEventNames.AppOpened;
        return new ConversionEvent(evt, random.Next(2) == 0 ? EventIds.New() : $"order_{i}", timestamp)
        {
            ActionSource = isApp ? ActionSource.MobileApp : null,
            OptOut = random.Next(4) == 0,
            Oppref = random.Next(2) == 0 ? null : "gAAAAAb" + i + "==",
            SourceUrl = "https://shop.example.com/p/" + i,
            User = random.Next(2) == 0 ? null : RandomUser(random, i),
        };
    }

    private static UserData RandomUser(Random random, int i)
    {
        var user = UserData.FromEmail($"u{i}@example.com");
        (double Odds, Func<UserData, UserData> Add)[] optional =
        [
            (0.5, u => u.WithIpAddress(random.Next(2) == 0 ? "203.0.113.9" : "2001:db8::" + i.ToString("x", System.Globalization.CultureInfo.InvariantCulture))),
            (0.5, u => u.WithUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 " + Word(random))),
            (0.3, u => u.WithObref("ob." + i + ".Zm9v")),
            (0.3, u => u.WithEmail($"second{i}@example.org")),
            (0.3, u => u.WithPhoneNumber("+1 (415) 555-" + (1000 + (i % 9000)).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (0.3, u => u.WithExternalId("customer-" + i)),
            (0.3, u => u.WithFirstName(Word(random) + "a")),
            (0.3, u => u.WithLastName("Lovelace")),
            (0.3, u => u.WithCountry("us")),
            (0.3, u => u.WithRegion("California")),
            (0.3, u => u.WithCity("San Francisco")),
            (0.3, u => u.WithPostalCode("94103")),
            (0.1, u => u.WithAndroidAdvertisingId(new Guid(random.Next(), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10).ToString())),
        ];
        foreach (var (odds, add) in optional)
        {
            if (random.NextDouble() < odds)
            {
                user = add(user);
            }
        }

        return user;
    }

    private static CustomData RandomCustom(Random random, Money? amount, Content[] contents, string? planId)
    {
        var custom = new CustomData { Amount = amount, Contents = contents, PlanId = planId };
        for (var p = random.Next(3); p > 0; p--)
        {
            custom = custom.WithProperty("prop_" + p, Word(random));
        }

        return custom;
    }

    private static Content RandomContent(Random random) => new()
    {
        Id = random.Next(2) == 0 ? null : Word(random),
        GroupId = random.Next(3) == 0 ? Word(random) : null,
        Name = random.Next(2) == 0 ? null : Word(random),
        ContentType = random.Next(2) == 0 ? null : "product",
        Quantity = random.Next(2) == 0 ? null : random.Next(0, 100),
        Amount = random.Next(2) == 0 ? null : Money.FromMinorUnits(random.Next(0, 100_000), "USD"),
        Variant = random.Next(3) == 0 ? new Dictionary<string, string> { ["size"] = Word(random) } : null,
    };

    private static string Word(Random random) => s_words[random.Next(s_words.Length)];
}
