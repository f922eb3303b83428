using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rally.Grains.Security;
using Rally.Silo.Hosting;

namespace Rally.Silo.Configuration;

public static class OptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/> and validates it when the host starts, so that
    /// a missing or invalid setting stops the process with one line naming it (<see cref="RallyOptionsValidator{TOptions}"/>).
    /// </summary>
    public static OptionsBuilder<TOptions> AddRallyOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new RallyOptionsValidator<TOptions>(section));
        return services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>
    /// A server secret (<see cref="ServerSecretOptions"/>) bound and validated as <see cref="AddRallyOptions{TOptions}"/>
    /// does: required with PostgreSQL; only the embedded default, whose data dies with it, makes one up for its run.
    /// </summary>
    public static OptionsBuilder<TOptions> AddRallySecret<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : ServerSecretOptions
    {
        var storage = RallyStorage.Of(services, configuration);
        return services.AddRallyOptions<TOptions>(configuration, section).PostConfigure(o =>
        {
            if (string.IsNullOrEmpty(o.Key) && !storage.IsPostgres)
            {
                o.Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            }
        });
    }

    /// <summary>Binds and validates <typeparamref name="TOptions"/> now, for settings the host needs while it is built.</summary>
    public static TOptions GetRallyOptions<TOptions>(this IConfiguration configuration, string section)
        where TOptions : class, new() =>
        RallyOptionsValidation.Ensure(section, configuration.GetSection(section).Get<TOptions>() ?? new TOptions());
}
