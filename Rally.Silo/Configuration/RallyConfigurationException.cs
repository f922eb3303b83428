namespace Rally.Silo.Configuration;

/// <summary>
/// A setting is missing or invalid. The message is what the operator reads: one line per setting, naming its key,
/// its environment variable and what it expects (see <see cref="ConfigurationErrors"/>), never its value.
/// </summary>
public sealed class RallyConfigurationException : Exception
{
    public RallyConfigurationException()
    {
    }

    public RallyConfigurationException(string message) : base(message)
    {
    }

    public RallyConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
