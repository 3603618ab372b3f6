namespace OaiqPixel;

/// <summary>Where a Conversions API event happened (<c>action_source</c>).</summary>
public enum ActionSource
{
    /// <summary><c>web</c>: on a website; requires <c>source_url</c>.</summary>
    Web,

    /// <summary><c>mobile_app</c>: in a native app; required for <c>app_installed</c> and <c>app_opened</c>.</summary>
    MobileApp,

    /// <summary><c>offline</c>: offline, for example imported from a CRM.</summary>
    Offline,

    /// <summary><c>physical_store</c>: in a physical store.</summary>
    PhysicalStore,

    /// <summary><c>phone_call</c>: over the phone.</summary>
    PhoneCall,

    /// <summary><c>email</c>: through email.</summary>
    Email,

    /// <summary><c>other</c>: anywhere else.</summary>
    Other,
}
