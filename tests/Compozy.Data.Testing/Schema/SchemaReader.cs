using Microsoft.Data.Sqlite;
using Npgsql;

namespace Compozy.Data.Testing.Schema;

/// <summary>Reads the schema of a test database through its own catalog, never through EF's model.</summary>
public static class SchemaReader
{
    /// <summary>Tables that belong to EF's migration machinery, not to the model.</summary>
    public static bool IsMigrationTable(string table) => table.StartsWith("__EF", StringComparison.Ordinal);

    /// <summary>Reads the schema of <paramref name="database"/>.</summary>
    public static Task<DatabaseSchema> ReadAsync(TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Kind == DatabaseKind.Sqlite
            ? ReadSqliteAsync(database.Location)
            : ReadPostgresAsync(database.Location);
    }

    /// <summary>Reads a SQLite file's schema from <c>sqlite_master</c> and the table PRAGMAs.</summary>
    public static async Task<DatabaseSchema> ReadSqliteAsync(string path)
    {
        var facts = new List<string>();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        var tables = await QueryAsync(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", reader => (reader.GetString(0), reader.GetString(1)));
        foreach (var (table, sql) in tables.Where(table => !IsMigrationTable(table.Item1)))
        {
            facts.Add($"table {table}");
            var definitions = SqliteTableDefinition.Parse(sql);
            var columns = await QueryAsync(
                connection,
                $"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_xinfo('{table}')",
                reader => (Name: reader.GetString(0), Type: reader.GetString(1), NotNull: reader.GetInt64(2) != 0, Default: reader.IsDBNull(3) ? null : reader.GetString(3), PrimaryKeyOrdinal: reader.GetInt64(4)));
            foreach (var column in columns)
            {
                definitions.Collations.TryGetValue(column.Name, out var collation);
                facts.Add($"column {table}.{column.Name}: type={column.Type} nullable={!column.NotNull} default={column.Default} collation={collation}");
            }

            facts.Add($"primary key {table}: ({string.Join(", ", columns.Where(column => column.PrimaryKeyOrdinal > 0).OrderBy(column => column.PrimaryKeyOrdinal).Select(column => column.Name))}) autoincrement={definitions.AutoIncrement}");
            facts.AddRange(definitions.Checks.Select(check => $"check {table}.{check.Key}: {check.Value}"));
            facts.AddRange(definitions.ConstraintNames.Select(name => $"constraint {table}.{name}"));

            var foreignKeys = await QueryAsync(
                connection,
                $"SELECT id, \"table\", \"from\", \"to\", on_delete, on_update FROM pragma_foreign_key_list('{table}') ORDER BY id, seq",
                reader => (Id: reader.GetInt64(0), Target: reader.GetString(1), From: reader.GetString(2), To: reader.GetString(3), OnDelete: reader.GetString(4), OnUpdate: reader.GetString(5)));
            facts.AddRange(foreignKeys.GroupBy(key => key.Id).Select(key =>
                $"foreign key {table}({string.Join(", ", key.Select(part => part.From))}) -> {key.First().Target}({string.Join(", ", key.Select(part => part.To))}) on delete {key.First().OnDelete} on update {key.First().OnUpdate}"));

            var indexes = await QueryAsync(
                connection,
                $"SELECT il.name, il.\"unique\", il.origin, m.sql FROM pragma_index_list('{table}') il LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = il.name",
                reader => (Name: reader.GetString(0), Unique: reader.GetInt64(1) != 0, Origin: reader.GetString(2), Sql: reader.IsDBNull(3) ? null : reader.GetString(3)));
            foreach (var index in indexes.Where(index => index.Origin == "c"))
            {
                var keyColumns = await QueryAsync(
                    connection,
                    $"SELECT name, \"desc\", coll FROM pragma_index_xinfo('{index.Name}') WHERE key = 1 ORDER BY seqno",
                    reader => $"{reader.GetString(0)}{(reader.GetInt64(1) != 0 ? " DESC" : string.Empty)} {reader.GetString(2)}");
                var where = index.Sql?.IndexOf(" WHERE ", StringComparison.OrdinalIgnoreCase) is >= 0 and var position ? index.Sql[(position + 7)..].Trim() : null;
                facts.Add($"index {table}.{index.Name}: unique={index.Unique} columns=({string.Join(", ", keyColumns)}) where={where}");
            }
        }

        return DatabaseSchema.From(facts);
    }

    /// <summary>Reads a PostgreSQL database's <c>public</c> schema from <c>information_schema</c> and <c>pg_catalog</c>.</summary>
    public static async Task<DatabaseSchema> ReadPostgresAsync(string connectionString)
    {
        var facts = new List<string>();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();

        facts.AddRange(await QueryAsync(
            connection,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            reader => reader.GetString(0)).ContinueWith(task => task.Result.Where(table => !IsMigrationTable(table)).Select(table => $"table {table}"), TaskScheduler.Default));

        facts.AddRange((await QueryAsync(
            connection,
            """
            SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, collation_name, is_identity, identity_generation, character_maximum_length
            FROM information_schema.columns WHERE table_schema = 'public'
            """,
            reader => (Table: reader.GetString(0), Fact: $"column {reader.GetString(0)}.{reader.GetString(1)}: type={reader.GetString(2)}/{reader.GetString(3)} " +
                $"nullable={reader.GetString(4)} default={(reader.IsDBNull(5) ? null : reader.GetString(5))} collation={(reader.IsDBNull(6) ? null : reader.GetString(6))} " +
                $"identity={reader.GetString(7)}/{(reader.IsDBNull(8) ? null : reader.GetString(8))} length={(reader.IsDBNull(9) ? null : reader.GetInt32(9))}")))
            .Where(column => !IsMigrationTable(column.Table)).Select(column => column.Fact));

        facts.AddRange((await QueryAsync(
            connection,
            """
            SELECT rel.relname, con.conname, con.contype::text, pg_get_constraintdef(con.oid, true)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
            WHERE n.nspname = 'public'
            """,
            reader => (Table: reader.GetString(0), Fact: $"constraint {reader.GetString(0)}.{reader.GetString(1)} [{reader.GetString(2)}]: {reader.GetString(3)}")))
            .Where(constraint => !IsMigrationTable(constraint.Table)).Select(constraint => constraint.Fact));

        facts.AddRange((await QueryAsync(
            connection,
            """
            SELECT t.relname, i.relname, pg_get_indexdef(ix.indexrelid)
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
            """,
            reader => (Table: reader.GetString(0), Fact: $"index {reader.GetString(0)}.{reader.GetString(1)}: {reader.GetString(2)}")))
            .Where(index => !IsMigrationTable(index.Table)).Select(index => index.Fact));

        // The locale column was renamed in PostgreSQL 17; reading it through jsonb works on 15 to 17.
        facts.AddRange(await QueryAsync(
            connection,
            """
            SELECT c.collname, c.collprovider::text, c.collisdeterministic,
                   coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale', c.collcollate)
            FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE n.nspname = 'public'
            """,
            reader => $"collation {reader.GetString(0)}: provider={reader.GetString(1)} deterministic={reader.GetBoolean(2)} locale={reader.GetString(3)}"));

        facts.AddRange(await QueryAsync(
            connection,
            "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'",
            reader => $"extension {reader.GetString(0)}"));

        return DatabaseSchema.From(facts);
    }

    private static async Task<List<T>> QueryAsync<T>(System.Data.Common.DbConnection connection, string sql, Func<System.Data.Common.DbDataReader, T> map)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
