using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.Sandbox;

/// <summary>A durable store as the page shows it: its snapshot, or why it could not be read (the database is down).</summary>
internal sealed record SandboxStore(string Name, OaiqStoreSnapshot? Snapshot, string? Error);
