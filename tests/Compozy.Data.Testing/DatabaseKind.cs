namespace Compozy.Data.Testing;

/// <summary>The databases every database test runs against; the names label the test cases.</summary>
public enum DatabaseKind
{
    /// <summary>A real SQLite file in a temporary directory.</summary>
    Sqlite,

    /// <summary>A real PostgreSQL server (with pgvector), one database per test or class.</summary>
    Postgres,
}
