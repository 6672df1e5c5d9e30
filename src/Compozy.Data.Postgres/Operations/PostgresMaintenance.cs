using System.Diagnostics;
using Compozy.Data.Operations;
using Npgsql;

namespace Compozy.Data.Postgres.Operations;

/// <summary>
/// <c>compozy db maintenance</c> for PostgreSQL: <c>VACUUM (ANALYZE)</c>, which runs beside normal
/// traffic; with <c>--full</c>, <c>VACUUM (FULL, ANALYZE)</c>, which rewrites each table under an
/// exclusive lock. Cancellation sends PostgreSQL a cancel request; the table being vacuumed is
/// left as it was.
/// </summary>
internal sealed class PostgresMaintenance(NpgsqlDataSource dataSource) : IDatabaseMaintenance
{
    public async Task<DatabaseReport> RunAsync(bool full, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var before = await SizeAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (var vacuum = new NpgsqlCommand(full ? "VACUUM (FULL, ANALYZE)" : "VACUUM (ANALYZE)", connection) { CommandTimeout = 0 })
            {
                await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var after = await SizeAsync(connection, cancellationToken).ConfigureAwait(false);
            return new DatabaseReport(
            [
                new("mode", full ? "full" : "vacuum_analyze"),
                new("database_bytes_before", before),
                new("database_bytes_after", after),
                new("duration_ms", Math.Round(elapsed.Elapsed.TotalMilliseconds)),
            ]);
        }
    }

    private static async Task<long> SizeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
