namespace Rally.Api.Hosting;

/// <summary>How the API reaches the grains (<c>Rally:Orleans:Mode</c>).</summary>
public enum OrleansMode
{
    /// <summary>Default: a silo co-hosted in this process; in memory unless a connection string is set.</summary>
    Embedded,

    /// <summary>An Orleans client of separate <c>Rally.Silo</c> processes (needs a connection string). Chosen by default when one is set.</summary>
    Client,

    /// <summary>The host supplies <c>IClusterClient</c> and <c>IGrainFactory</c> itself (test hosts sharing one cluster).</summary>
    External,
}
