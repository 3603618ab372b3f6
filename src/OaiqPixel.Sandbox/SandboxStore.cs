using OaiqPixel.AspNetCore.Diagnostics;

namespace OaiqPixel.Sandbox;

/// <summary>A store as the page shows it: its panel's id (the replay form's <c>store</c>), its snapshot, or why it could not be read (the database is down).</summary>
internal sealed record SandboxStore(string Id, string Name, OaiqStoreSnapshot? Snapshot, string? Error);
