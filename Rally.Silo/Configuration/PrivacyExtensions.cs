using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rally.Grains.Privacy;

namespace Rally.Silo.Configuration;

public static class PrivacyExtensions
{
    /// <summary>
    /// <see cref="PrivacyOptions"/> (<c>Rally:Privacy</c>), bound and validated at start. Silos and API fronts both read
    /// it; a front that co-hosts its silo registers it once.
    /// </summary>
    public static IServiceCollection AddRallyPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(s => s.ServiceType == typeof(IValidateOptions<PrivacyOptions>)))
        {
            services.AddRallyOptions<PrivacyOptions>(configuration, PrivacyOptions.Section);
        }
        return services;
    }
}
