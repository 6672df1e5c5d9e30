using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Stores.Sql;

/// <summary>
/// A <see cref="DbParameter"/> the layer built itself (name, type mapping and value already set),
/// handed to an EF <see cref="RelationalCommand"/> as it is: what EF's raw SQL commands do with a
/// <see cref="DbParameter"/> argument, whose own wrapper (<c>RawRelationalParameter</c>) is EF's
/// internal API.
/// </summary>
internal sealed class ReadyParameter(DbParameter parameter) : IRelationalParameter
{
    /// <inheritdoc />
    public string InvariantName => parameter.ParameterName;

    /// <inheritdoc />
    public void AddDbParameter(DbCommand command, object? value) => command.Parameters.Add(parameter);

    /// <inheritdoc />
    public void AddDbParameter(DbCommand command, IReadOnlyDictionary<string, object?>? parameterValues) => command.Parameters.Add(parameter);
}
