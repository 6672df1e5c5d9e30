namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>The test collection of the tests that stop or reconfigure <see cref="DedicatedPostgresServer"/>: one at a time, so that none sees another's fault.</summary>
[CollectionDefinition(Name)]
public sealed class DedicatedPostgresServerDefinition : ICollectionFixture<DedicatedPostgresServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Dedicated PostgreSQL server";
}
