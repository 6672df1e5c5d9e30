using System.Reflection;
using Xunit.Sdk;

namespace Compozy.Data.Testing;

/// <summary>
/// Runs a theory once per database: one labelled case for SQLite and one for PostgreSQL.
/// PostgreSQL cases fail (never skip) when no server is configured.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatabaseDataAttribute : DataAttribute
{
    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        yield return [DatabaseKind.Sqlite];
        yield return [DatabaseKind.Postgres];
    }
}
