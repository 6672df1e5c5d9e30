using System.Data.Common;
using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Stores.Sql;

/// <summary>
/// Runs a statement this layer writes itself and returns its reader: what <c>ExecuteSql</c> does,
/// with the rows kept. The command goes through the context's connection, transaction,
/// interceptors and logging, but not through the query pipeline that <c>FromSql</c> would
/// compile it in (bench/README.md, "The single upsert").
/// </summary>
internal static class RawSqlReader
{
    /// <param name="context">The context whose connection (and transaction, if one is open) runs the statement.</param>
    /// <param name="sql">The statement as it is sent, its parameters named as the provider names them.</param>
    /// <param name="parameters">The statement's parameters, each named as in <paramref name="sql"/>, in any order.</param>
    /// <param name="cancellationToken">Stops the statement.</param>
    public static Task<RelationalDataReader> ExecuteAsync(CompozyDbContext context, string sql, IReadOnlyList<DbParameter> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parameters);

        // A command per call: an EF RelationalCommand keeps the reader of its execution, so one
        // instance cannot serve two statements in flight (WorkflowStoreTests, concurrent upserts).
        // Built directly rather than through IRawSqlCommandBuilder, which runs string.Format over
        // the text and copies it twice more on every call (bench/README.md, "The upsert's command").
        var relationalParameters = new IRelationalParameter[parameters.Count];
        for (var index = 0; index < parameters.Count; index++)
        {
            relationalParameters[index] = new ReadyParameter(parameters[index]);
        }

        // The connection and the logger from the facade's dependencies, which the context resolved
        // once, as EF's own ExecuteSql takes them: resolving these scoped services from the
        // context on every call takes the scope's lock each time.
        var facade = (IRelationalDatabaseFacadeDependencies)((IDatabaseFacadeDependenciesAccessor)context.Database).Dependencies;
        var command = new RelationalCommand(context.GetService<RelationalCommandBuilderDependencies>(), sql, sql, relationalParameters);
        return command.ExecuteReaderAsync(
            new RelationalCommandParameterObject(
                facade.RelationalConnection,
                parameterValues: null,
                readerColumns: null,
                context,
                facade.CommandLogger,
                CommandSource.FromSqlQuery),
            cancellationToken);
    }
}
