namespace Compozy.Data.Configuration;

/// <summary>The provider-neutral keys under <c>database.*</c>.</summary>
public static class CoreConfigurationKeys
{
    /// <summary><c>database.driver</c>.</summary>
    public static ConfigurationKey Driver { get; } = new()
    {
        Path = "database.driver",
        EnvironmentVariable = "DB_DRIVER",
        Flag = "--db-driver",
        Type = ConfigurationValueType.Text(),
        Default = "sqlite",
        Description = "Database driver: sqlite (embedded, the default) or postgres.",
    };

    /// <summary><c>database.auto_migrate</c>.</summary>
    public static ConfigurationKey AutoMigrate { get; } = new()
    {
        Path = "database.auto_migrate",
        EnvironmentVariable = "DB_AUTO_MIGRATE",
        Type = ConfigurationValueType.Boolean,
        Default = "true",
        Description = "Apply pending migrations when `compozy start` starts; when false, start refuses to run on a database with pending migrations.",
    };

    /// <summary><c>database.migration_timeout</c>.</summary>
    public static ConfigurationKey MigrationTimeout { get; } = new()
    {
        Path = "database.migration_timeout",
        EnvironmentVariable = "DB_MIGRATION_TIMEOUT",
        Flag = "--db-migration-timeout",
        Type = ConfigurationValueType.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)),
        Default = "2m",
        Description = "Longest wait for the migration lock, and longest run of one migration statement.",
    };

    /// <summary>Every core key.</summary>
    public static IReadOnlyList<ConfigurationKey> All { get; } = [Driver, AutoMigrate, MigrationTimeout];
}
