using Microsoft.AspNetCore.Http;
using OaiqPixel;

namespace OaiqPixel.AspNetCore.Tests.TestApps;

/// <summary>What the test app's actions record before they render, redirect or return JSON.</summary>
public sealed class TestScenario
{
    public Action<IConversionTracker, HttpContext>? Record { get; set; }

    public List<string?> TrackResults { get; } = [];
}
