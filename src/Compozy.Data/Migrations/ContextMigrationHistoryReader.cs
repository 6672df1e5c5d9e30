using System.Reflection;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations;

/// <summary>
/// The history through a read context, for a provider that registers no
/// <see cref="IMigrationHistoryReader"/> of its own: EF's migrations assembly, and EF's history
/// repository, which each provider extends to answer on a database that does not exist yet.
/// </summary>
internal sealed class ContextMigrationHistoryReader(IDbContextFactory<CompozyDbContext> contexts) : IMigrationHistoryReader
{
    private readonly Lazy<IReadOnlyDictionary<string, TypeInfo>> _known = new(() =>
    {
        using var context = contexts.CreateDbContext();
        return context.GetService<IMigrationsAssembly>().Migrations.ToDictionary(StringComparer.Ordinal);
    });

    public IReadOnlyDictionary<string, TypeInfo> KnownMigrations => _known.Value;

    public async Task<IReadOnlyDictionary<string, DateTime?>> ReadAppliedAsync(CancellationToken cancellationToken = default)
    {
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            // Ask EF first: each provider knows how to answer on a database with no history table
            // (Npgsql 10 no longer checks for the table, SQLite does not create a missing file).
            var applied = await context.GetService<IHistoryRepository>().GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false);
            if (applied.Count == 0)
            {
                return new Dictionary<string, DateTime?>();
            }

            // A raw command, not SqlQueryRaw<T>: EF maps an unmapped result type with its whole
            // convention set and compiles a query for it. The execution strategy is the one a
            // query would have run under.
            return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                context,
                static async (_, context, token) =>
                {
                    var rows = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
                    var reader = await RawSqlReader.ExecuteAsync(context, MigrationHistory.SelectAppliedSql, [], token).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var data = reader.DbDataReader;
                        while (await reader.ReadAsync(token).ConfigureAwait(false))
                        {
                            rows[data.GetString(0)] = await data.IsDBNullAsync(1, token).ConfigureAwait(false)
                                ? null
                                : DateTime.SpecifyKind(data.GetDateTime(1), DateTimeKind.Utc);
                        }
                    }

                    return (IReadOnlyDictionary<string, DateTime?>)rows;
                },
                null,
                cancellationToken).ConfigureAwait(false);
        }
    }
}
