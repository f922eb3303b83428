using Microsoft.Extensions.DependencyInjection;

namespace Rally.Silo.Hosting;

/// <summary>Decisions a process makes once, while its host is built, and registers as services for the parts that run later.</summary>
public static class HostDecisions
{
    /// <summary>The <typeparamref name="T"/> already registered in <paramref name="services"/>; otherwise <paramref name="decide"/>'s, registered now.</summary>
    public static T DecideOnce<T>(this IServiceCollection services, Func<T> decide)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(decide);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(T))?.ImplementationInstance is T decided)
        {
            return decided;
        }
        var decision = decide();
        services.AddSingleton(typeof(T), decision);
        return decision;
    }
}
