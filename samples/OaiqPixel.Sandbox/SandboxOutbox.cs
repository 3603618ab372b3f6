using OaiqPixel.EntityFrameworkCore;

namespace OaiqPixel.Sandbox;

/// <summary>The outbox as the sandbox page shows it: its snapshot, or why it could not be read (the database is down).</summary>
internal sealed record SandboxOutbox(OaiqOutboxSnapshot? Snapshot, string? Error);
