using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Rally.Silo.Hosting;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

public sealed class RallyStreamOptionsTests
{
    [Fact]
    public void The_defaults_are_the_documented_ones_and_valid()
    {
        var options = new RallyStreamOptions();

        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        Assert.Equal(8, options.Queues);
        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(1), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromDays(1), options.ExpiryTimeout);
        Assert.Equal(TimeSpan.FromDays(7), options.DeadLetterRetention);
        Assert.Equal(TimeSpan.FromSeconds(10), options.EvictionInterval);
        Assert.Equal(1000, options.EvictionBatchSize);
        Assert.Equal(512, options.CacheSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DeadLetterCheckInterval);
        Assert.Equal(64, options.DeliveryBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.PollInterval);
    }

    [Fact]
    public async Task A_silo_with_invalid_stream_settings_refuses_to_start()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Rally:Streams:Queues"] = "0" })
            .Build();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseLocalhostClustering(FreePort.Next(), FreePort.Next()).AddRallyStreams(configuration));
        using var host = builder.Build();

        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(nameof(RallyStreamOptions.Queues), refusal.Message, StringComparison.Ordinal);
    }
}
