namespace Rally.Tests.Infrastructure;

/// <summary>The tests that share one throwaway PostgreSQL server (each test makes its own database in it).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
