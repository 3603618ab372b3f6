namespace OaiqPixel.AspNetCore;

/// <summary>What an <see cref="IOaiqBrowserLegGate"/> says about a recorded event's pixel call.</summary>
public enum OaiqBrowserLegState
{
    /// <summary>Its commit is known (or it needs none): render it now, or carry it to the next page when this response renders no pixel.</summary>
    Render = 0,

    /// <summary>Its commit is not known yet: not rendered in this response; the Post/Redirect/Get carrier takes it to the next page, which renders it.</summary>
    Hold = 1,

    /// <summary>Never: its save or transaction failed or was given up, so neither leg reports it.</summary>
    Drop = 2,
}
