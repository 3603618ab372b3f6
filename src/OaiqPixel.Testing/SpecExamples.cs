namespace OaiqPixel.Testing;

/// <summary>The documented examples of openai-ads-spec.md, as the tests of both the serializer and the fake API use them.</summary>
public static class SpecExamples
{
    /// <summary>The spec §4.3 example request body, verbatim except for the timestamp.</summary>
    /// <param name="timestampMs">The event's <c>timestamp_ms</c> (the spec's own is 1773892800000).</param>
    /// <returns>The body as JSON text.</returns>
    public static string OrderBody(long timestampMs) => $$"""
        {
          "validate_only": false,
          "events": [{
            "id": "order_12345",
            "type": "order_created",
            "timestamp_ms": {{timestampMs}},
            "oppref": "oppref_abc",
            "source_url": "https://shop.example.com/checkout/confirmation",
            "action_source": "web",
            "user": {
              "obref": "123e4567-e89b-42d3-a456-426614174000",
              "emails_sha256": ["b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514"],
              "external_ids_sha256": ["18f69bcd2f9cc9c38195e722b2a5590429840ea5090971d2256e026926e55fa1"],
              "countries": ["US"], "cities": ["San Francisco"], "postal_codes": ["94107"],
              "ip_address": "203.0.113.1",
              "user_agent": "Mozilla/5.0"
            },
            "data": {
              "type": "contents", "amount": 2599, "currency": "USD",
              "contents": [{ "id": "sku_123", "name": "Starter bundle", "content_type": "product", "quantity": 1 }]
            }
          }]
        }
        """;
}
