using Compozy.Data.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations.Internal;

namespace Compozy.Data.Postgres.Migrations;

// EF1001: NpgsqlHistoryRepository is marked internal-API. Subclassing it is the only way to add a
// column to the history table; the migration tests exercise it. Its migration lock (a session-level
// pg_advisory_lock, released by the server when the session ends) is kept as it is.
#pragma warning disable EF1001

/// <summary>Npgsql's history repository with an <c>applied_at timestamptz</c> column.</summary>
internal sealed class PostgresMigrationHistoryRepository(HistoryRepositoryDependencies dependencies)
    : NpgsqlHistoryRepository(dependencies)
{
    protected override void ConfigureTable(EntityTypeBuilder<HistoryRow> history)
    {
        base.ConfigureTable(history);
        history.Property<DateTime>("AppliedAt")
            .HasColumnName(MigrationHistory.AppliedAtColumn)
            .HasColumnType("timestamp with time zone")
            .HasDefaultValueSql("now()");
    }
}
#pragma warning restore EF1001
