namespace OaiqPixel.AspNetCore;

/// <summary>What an <see cref="IOaiqBrowserLegGate"/> says about a recorded event's pixel call.</summary>
public enum OaiqBrowserLegState
{
    /// <summary>Render it now (or carry it to the next page when this response renders no pixel).</summary>
    Render = 0,

    /// <summary>Not yet: ask again the next time the pixel renders or the response starts. Still held when the response starts, it is carried to the next page, which renders it.</summary>
    Hold = 1,

    /// <summary>Never: the event did not happen after all (its transaction rolled back).</summary>
    Drop = 2,
}
