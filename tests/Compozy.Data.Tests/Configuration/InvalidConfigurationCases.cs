namespace Compozy.Data.Tests.Configuration;

internal static class InvalidConfigurationCases
{
    private const string Sqlite = """
        database:
          driver: sqlite
          path: '{db}'

        """;

    private const string Postgres = """
        database:
          driver: postgres
          host: db.invalid

        """;

    private const string DurationAllowed = "allowed: a duration such as 500ms, 5s, 2m or 1h30m";
    private const string PortAllowed = "allowed: an integer from 1 to 65535";
    private const string DimensionAllowed = "allowed: an integer from 1 to 16000";
    private const string SslModeAllowed = "allowed: disable, allow, prefer, require, verify-ca, verify-full";

    public static IReadOnlyList<InvalidConfigurationCase> All { get; } =
    [
        new()
        {
            Name = "unknown driver in the file",
            Yaml = """
                database:
                  driver: mysql
                  path: '{db}'
                """,
            Key = "database.driver",
            Value = "mysql",
            Allowed = "allowed: postgres, sqlite",
            Source = "{config}:2:11",
        },
        new()
        {
            Name = "unknown driver in DB_DRIVER",
            Yaml = Sqlite,
            Environment = new Dictionary<string, string> { ["DB_DRIVER"] = "mysql" },
            Key = "database.driver",
            Value = "mysql",
            Allowed = "allowed: postgres, sqlite",
            Source = "environment variable DB_DRIVER",
        },
        new()
        {
            Name = "unknown driver in --db-driver",
            Yaml = Sqlite,
            Arguments = ["--db-driver", "Oracle"],
            Key = "database.driver",
            Value = "Oracle",
            Allowed = "allowed: postgres, sqlite",
            Source = "flag --db-driver",
        },

        new()
        {
            Name = "sqlite with an empty path",
            Yaml = """
                database:
                  driver: sqlite
                  path: ""
                """,
            Key = "database.path",
            Allowed = "allowed: a file path such as .compozy/compozy.db, or :memory:",
            Source = "{config}:3:9",
            Mentions = ["sqlite driver requires path"],
        },
        new()
        {
            Name = "sqlite path that is an existing directory",
            Yaml = """
                database:
                  driver: sqlite
                  path: '{temp}/existing-dir'
                """,
            Arrange = temp => Directory.CreateDirectory(temp.Combine("existing-dir")),
            Key = "database.path",
            Value = "{temp}/existing-dir",
            Allowed = "allowed: the path of a database file",
            Source = "{config}:3:9",
        },
        new()
        {
            Name = "sqlite path whose parent is a file",
            Yaml = """
                database:
                  driver: sqlite
                  path: '{temp}/plain-file/sub/dir/compozy.db'
                """,
            Arrange = temp => File.WriteAllText(temp.Combine("plain-file"), string.Empty),
            Key = "database.path",
            Value = "{temp}/plain-file/sub/dir/compozy.db",
            Source = "{config}:3:9",
            Mentions = ["{temp}/plain-file is a file, not a directory"],
        },
        new()
        {
            Name = "sqlite path in DB_PATH whose parent is a file",
            Yaml = Sqlite,
            Arrange = temp => File.WriteAllText(temp.Combine("plain-file"), string.Empty),
            Environment = new Dictionary<string, string> { ["DB_PATH"] = "{temp}/plain-file/compozy.db" },
            Key = "database.path",
            Value = "{temp}/plain-file/compozy.db",
            Source = "environment variable DB_PATH",
            Mentions = ["{temp}/plain-file is a file, not a directory"],
        },
        new()
        {
            Name = "sqlite path :MEMORY: in upper case in --db-path",
            Yaml = Sqlite,
            Arguments = ["--db-path", ":MEMORY:"],
            Key = "database.path",
            Value = ":MEMORY:",
            Allowed = "allowed: exactly :memory: (lower case, no spaces) for an in-memory database, or a file path",
            Source = "flag --db-path",
            Mentions = ["is not :memory: (SQLite would create a file of that name in the working directory)"],
        },
        new()
        {
            Name = "sqlite path :memory: with spaces around it in the file",
            Yaml = """
                database:
                  driver: sqlite
                  path: ' :memory: '
                """,
            Key = "database.path",
            Value = " :memory: ",
            Allowed = "allowed: exactly :memory:",
            Source = "{config}:3:9",
        },
        new()
        {
            Name = "sqlite path that is a URI filename for shared memory in DB_PATH",
            Yaml = Sqlite,
            Environment = new Dictionary<string, string> { ["DB_PATH"] = "file::memory:?cache=shared" },
            Key = "database.path",
            Value = "file::memory:?cache=shared",
            Allowed = "allowed: a plain file path such as .compozy/compozy.db, or :memory:. For an in-memory database write :memory:.",
            Source = "environment variable DB_PATH",
            Mentions = ["is a SQLite URI filename"],
        },
        new()
        {
            Name = "sqlite path that is a URI filename with mode=memory",
            Yaml = """
                database:
                  driver: sqlite
                  path: 'file:x.db?mode=memory'
                """,
            Key = "database.path",
            Value = "file:x.db?mode=memory",
            Source = "{config}:3:9",
            Mentions = ["is a SQLite URI filename"],
        },
        new()
        {
            Name = "sqlite path with a control character",
            Yaml = """
                database:
                  driver: sqlite
                  path: "data/a\x07b.db"
                """,
            Key = "database.path",
            Value = "data/a\\u0007b.db",
            Allowed = "allowed: a path of printable characters",
            Source = "{config}:3:9",
            Mentions = ["contains the control character U+0007 at position 7"],
        },
        new()
        {
            Name = "sqlite path with a newline at the end in DB_PATH",
            Yaml = Sqlite,
            Environment = new Dictionary<string, string> { ["DB_PATH"] = "data/compozy.db\n" },
            Key = "database.path",
            Value = "data/compozy.db\\u000A",
            Source = "environment variable DB_PATH",
            Mentions = ["contains the control character U+000A at position 16"],
        },
        new()
        {
            Name = "sqlite path with a trailing space in --db-path",
            Yaml = Sqlite,
            Arguments = ["--db-path", "data/compozy.db "],
            Key = "database.path",
            Value = "data/compozy.db ",
            Source = "flag --db-path",
            Mentions = ["begins or ends with a space"],
        },
        new()
        {
            Name = "sqlite path ending with a slash",
            Yaml = Sqlite,
            Arguments = ["--db-path", "data/"],
            Key = "database.path",
            Value = "data/",
            Allowed = "allowed: the path of a database file, for example data/compozy.db",
            Source = "flag --db-path",
        },
        new()
        {
            Name = "sqlite path through a loop of symbolic links",
            Yaml = """
                database:
                  driver: sqlite
                  path: '{temp}/loop-a/compozy.db'
                """,
            Arrange = temp =>
            {
                File.CreateSymbolicLink(temp.Combine("loop-a"), temp.Combine("loop-b"));
                File.CreateSymbolicLink(temp.Combine("loop-b"), temp.Combine("loop-a"));
            },
            Key = "database.path",
            Value = "{temp}/loop-a/compozy.db",
            Source = "{config}:3:9",
            Mentions = ["cannot be resolved", "a loop of symbolic links"],
        },
        new()
        {
            Name = "unknown sqlite filesystem kind",
            Yaml = Sqlite + "  sqlite:\n    filesystem: remote\n",
            Key = "database.sqlite.filesystem",
            Value = "remote",
            Allowed = "allowed: auto, local",
            Source = "{config}:5:17",
        },
        new()
        {
            Name = "sqlite filesystem local with the network filesystem fallback",
            Yaml = Sqlite + "  sqlite:\n    filesystem: local\n    allow_network_filesystem: true\n",
            Key = "database.sqlite.filesystem",
            Value = "local",
            Source = "{config}:5:17",
            Mentions = ["asks for the fallback of a network filesystem"],
        },
        new()
        {
            Name = "negative busy_timeout",
            Yaml = Sqlite + "  busy_timeout: -1s\n",
            Key = "database.busy_timeout",
            Value = "-1s",
            Allowed = DurationAllowed + ", from 0s to 10m",
            Source = "{config}:4:17",
        },
        new()
        {
            Name = "busy_timeout with an unknown unit in --db-busy-timeout",
            Yaml = Sqlite,
            Arguments = ["--db-busy-timeout", "5x"],
            Key = "database.sqlite.busy_timeout",
            Value = "5x",
            Allowed = DurationAllowed,
            Source = "flag --db-busy-timeout",
        },
        new()
        {
            Name = "sqlite with a pgvector vector database",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: pgvector
                      dimension: 768
                """,
            Key = "knowledge.vector_dbs[0].provider",
            Source = "{config}:7:17",
            Mentions = ["pgvector", "SQLite", "qdrant"],
        },

        new()
        {
            Name = "migration_timeout without a unit",
            Yaml = Sqlite + "  migration_timeout: 5\n",
            Key = "database.migration_timeout",
            Value = "5",
            Allowed = DurationAllowed + ", from 1s to 24h",
            Source = "{config}:4:22",
        },
        new()
        {
            Name = "migration_timeout in DB_MIGRATION_TIMEOUT that is not a duration",
            Yaml = Sqlite,
            Environment = new Dictionary<string, string> { ["DB_MIGRATION_TIMEOUT"] = "abc" },
            Key = "database.migration_timeout",
            Value = "abc",
            Allowed = DurationAllowed,
            Source = "environment variable DB_MIGRATION_TIMEOUT",
        },
        new()
        {
            Name = "auto_migrate that is not a boolean",
            Yaml = Sqlite + "  auto_migrate: maybe\n",
            Key = "database.auto_migrate",
            Value = "maybe",
            Allowed = "allowed: true or false",
            Source = "{config}:4:17",
        },
        new()
        {
            Name = "unknown key under database with a near match",
            Yaml = """
                database:
                  drivr: sqlite
                  path: '{db}'
                """,
            Key = "database.drivr",
            Source = "{config}:2:10",
            Mentions = ["is not a known setting; did you mean database.driver?"],
        },
        new()
        {
            Name = "unknown key under database with no near match",
            Yaml = Sqlite + "  colour: blue\n",
            Key = "database.colour",
            Source = "{config}:4:11",
            Mentions = ["is not a known setting"],
        },
        new()
        {
            Name = "unset variable without a default",
            Yaml = """
                database:
                  driver: sqlite
                  path: '${COMPOZY_TEST_UNSET_VARIABLE}/compozy.db'
                """,
            Key = "database.path",
            Source = "{config}:3:9",
            Mentions = ["environment variable COMPOZY_TEST_UNSET_VARIABLE, which is not set", "${COMPOZY_TEST_UNSET_VARIABLE:-default}"],
        },

        new()
        {
            Name = "malformed YAML",
            Yaml = """
                database:
                  driver: sqlite
                   path: '{db}'
                """,
            Key = "(file)",
            Source = "{config}:3:8",
            Mentions = ["malformed YAML"],
        },
        new()
        {
            Name = "top level that is a list",
            Yaml = """
                - database:
                    driver: sqlite
                """,
            Key = "(file)",
            Source = "{config}:1:1",
            Mentions = ["the top level must be a mapping of sections"],
        },
        new()
        {
            Name = "unterminated flow sequence followed by a mapping line",
            Yaml = """
                database:
                  driver: [sqlite
                  path: '{db}'
                """,
            Key = "(file)",
            Source = "{config}:3:3",
            Mentions = ["malformed YAML", "a [ or { that is not closed"],
        },
        new()
        {
            Name = "unterminated flow mapping followed by a mapping line",
            Yaml = """
                database: {driver: sqlite
                path: '{db}'
                """,
            Key = "(file)",
            Source = "{config}:2:1",
            Mentions = ["malformed YAML"],
        },
        new()
        {
            Name = "duplicate section",
            Yaml = Sqlite + """
                database:
                  auto_migrate: false
                """,
            Key = "(file)",
            Source = "{config}:4:1",
            Mentions = ["malformed YAML: Duplicate key database"],
        },
        new()
        {
            Name = "alias bomb",
            Yaml = Sqlite + SpecialFiles.AliasBomb("bomb"),
            Key = "(file)",
            Mentions = ["the YAML expands to more than 100000 keys, values and collections here", "allowed: at most 100000", "(from {config}:9:"],
        },
        new()
        {
            Name = "sixty thousand documents after the first",
            Yaml = Sqlite + string.Concat(Enumerable.Repeat("---\na: b\n", 60_000)),
            Key = "(file)",
            Mentions = ["the YAML expands to more than 100000 keys, values and collections here"],
        },
        new()
        {
            Name = "alias inside the node it names",
            Yaml = """
                database: &x [*x]
                """,
            Key = "(file)",
            Source = "{config}:1:15",
            Mentions = ["alias *x is inside the node &x it refers to"],
        },
        new()
        {
            Name = "alias before its anchor",
            Yaml = """
                database:
                  driver: *d
                  path: &d '{db}'
                """,
            Key = "(file)",
            Source = "{config}:2:11",
            Mentions = ["alias *d refers to no anchor defined before it"],
        },
        new()
        {
            Name = "nesting deeper than 32 levels",
            Yaml = Sqlite + "deep: " + new string('[', 40) + new string(']', 40) + "\n",
            Key = "(file)",
            Source = "{config}:4:38",
            Mentions = ["the YAML nests deeper than 32 levels here; allowed: at most 32 levels of mappings and lists"],
        },
        new()
        {
            Name = "file larger than 1 MiB",
            Yaml = Sqlite + string.Concat(Enumerable.Repeat("# " + new string('-', 98) + "\n", 10_500)),
            Key = "(file)",
            Value = "{config}",
            Allowed = "allowed: a regular YAML file of at most 1 MiB",
            Mentions = ["is larger than 1 MiB"],
        },
        new()
        {
            Name = "configuration file that is a named pipe",
            Yaml = null,
            Arrange = temp => SpecialFiles.CreateFifo(temp.Combine("compozy.yaml")),
            Arguments = ["--db-path", "{db}"],
            Key = "(file)",
            Value = "{config}",
            Allowed = "allowed: a regular YAML file of at most 1 MiB",
            Mentions = ["is a named pipe (FIFO), not a regular file"],
        },
        new()
        {
            Name = "configuration file that is a socket",
            Yaml = null,
            Arrange = temp => SpecialFiles.CreateSocket(temp.Combine("compozy.yaml")),
            Arguments = ["--db-path", "{db}"],
            Key = "(file)",
            Value = "{config}",
            Mentions = ["is a socket, not a regular file"],
        },
        new()
        {
            Name = "configuration file that is a link to a character device",
            Yaml = null,
            Arrange = temp => File.CreateSymbolicLink(temp.Combine("compozy.yaml"), "/dev/zero"),
            Arguments = ["--db-path", "{db}"],
            Key = "(file)",
            Value = "{config}",
            Mentions = ["is a character device, not a regular file"],
        },
        new()
        {
            Name = "--config naming a directory",
            Yaml = null,
            Arrange = temp => Directory.CreateDirectory(temp.Combine("compozy.yaml")),
            Arguments = ["--db-path", "{db}"],
            Key = "--config",
            Value = "{config}",
            Allowed = "allowed: a YAML file",
            Mentions = ["is a directory"],
        },
        new()
        {
            Name = "nested default whose variable is unset too",
            Yaml = """
                database:
                  driver: sqlite
                  path: '${COMPOZY_TEST_UNSET_A:-${COMPOZY_TEST_UNSET_B}}/compozy.db'
                """,
            Key = "database.path",
            Source = "{config}:3:9",
            Mentions = ["environment variable COMPOZY_TEST_UNSET_B, which is not set"],
        },
        new()
        {
            Name = "defaults nested more than 8 deep",
            Yaml = """
                database:
                  driver: sqlite
                  path: '${A:-${B:-${C:-${D:-${E:-${F:-${G:-${H:-${I:-x}}}}}}}}}'
                """,
            Key = "database.path",
            Source = "{config}:3:9",
            Mentions = ["nests ${...} in defaults more than 8 deep at character 41; allowed: at most 8 levels"],
        },
        new()
        {
            Name = "--config naming a missing file",
            Yaml = null,
            Arguments = ["--db-path", "{db}"],
            Key = "--config",
            Value = "{config}",
            Allowed = "allowed: a YAML file",
            Mentions = ["does not exist"],
        },

        new()
        {
            Name = "postgres without host or conn_string",
            Yaml = """
                database:
                  driver: postgres
                """,
            Key = "database.host",
            Mentions = ["postgres driver requires host or conn_string"],
        },
        new()
        {
            Name = "host list with an empty entry and a second colon",
            Yaml = """
                database:
                  driver: postgres
                  host: "a:b:c,,"
                """,
            Key = "database.host",
            Value = "a:b:c,,",
            Allowed = "allowed: host, host:port, [ipv6]:port, or several of them separated by commas",
            Source = "{config}:3:9",
        },
        new()
        {
            Name = "vector database entry without a dimension is located by its provider",
            Yaml = """
                database:
                  driver: postgres
                  host: db.invalid
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: pgvector
                """,
            Key = "knowledge.vector_dbs[0].dimension",
            Mentions = ["is missing"],
            Source = "{config}:7:17",
        },
        new()
        {
            Name = "port that is not a number",
            Yaml = Postgres + "  port: abc\n",
            Key = "database.port",
            Value = "abc",
            Allowed = PortAllowed,
            Source = "{config}:4:9",
        },
        new()
        {
            Name = "port 0",
            Yaml = Postgres + "  port: 0\n",
            Key = "database.port",
            Value = "0",
            Allowed = PortAllowed,
            Source = "{config}:4:9",
        },
        new()
        {
            Name = "port 70000 in DB_PORT",
            Yaml = Postgres,
            Environment = new Dictionary<string, string> { ["DB_PORT"] = "70000" },
            Key = "database.port",
            Value = "70000",
            Allowed = PortAllowed,
            Source = "environment variable DB_PORT",
        },
        new()
        {
            Name = "port that is not a number in --db-port",
            Yaml = Postgres,
            Arguments = ["--db-port", "abc"],
            Key = "database.port",
            Value = "abc",
            Allowed = PortAllowed,
            Source = "flag --db-port",
        },
        new()
        {
            Name = "host with a port suffix that is not a number",
            Yaml = """
                database:
                  driver: postgres
                  host: 'db.invalid:abc'
                """,
            Key = "database.host",
            Value = "db.invalid:abc",
            Source = "{config}:3:9",
        },
        new()
        {
            Name = "negative max_open_conns",
            Yaml = Postgres + "  max_open_conns: -1\n",
            Key = "database.max_open_conns",
            Value = "-1",
            Allowed = "allowed: an integer from 1 to 10000",
            Source = "{config}:4:19",
        },
        new()
        {
            Name = "negative max_idle_conns",
            Yaml = Postgres + "  max_idle_conns: -1\n",
            Key = "database.max_idle_conns",
            Value = "-1",
            Allowed = "allowed: an integer from 0 to 10000",
            Source = "{config}:4:19",
        },
        new()
        {
            Name = "max_idle_conns above max_open_conns",
            Yaml = Postgres + "  max_open_conns: 5\n  max_idle_conns: 10\n",
            Key = "database.max_idle_conns",
            Value = "10",
            Allowed = "allowed: an integer from 0 to 5",
            Source = "{config}:5:19",
            Mentions = ["database.max_open_conns (5)"],
        },
        new()
        {
            Name = "max_auto_prepare above its range",
            Yaml = Postgres + "  max_auto_prepare: 20000\n",
            Key = "database.max_auto_prepare",
            Value = "20000",
            Allowed = "allowed: an integer from 0 to 10000",
            Source = "{config}:4:21",
        },
        new()
        {
            Name = "connect_timeout that is not a duration",
            Yaml = Postgres + "  connect_timeout: abc\n",
            Key = "database.connect_timeout",
            Value = "abc",
            Allowed = DurationAllowed + ", from 1s to 17m4s",
            Source = "{config}:4:20",
        },
        new()
        {
            Name = "connect_timeout without a unit in --db-connect-timeout",
            Yaml = Postgres,
            Arguments = ["--db-connect-timeout", "5"],
            Key = "database.connect_timeout",
            Value = "5",
            Allowed = DurationAllowed,
            Source = "flag --db-connect-timeout",
        },
        new()
        {
            Name = "negative connect_timeout in DB_CONNECT_TIMEOUT",
            Yaml = Postgres,
            Environment = new Dictionary<string, string> { ["DB_CONNECT_TIMEOUT"] = "-5s" },
            Key = "database.connect_timeout",
            Value = "-5s",
            Allowed = DurationAllowed,
            Source = "environment variable DB_CONNECT_TIMEOUT",
        },
        new()
        {
            Name = "unsupported ssl_mode",
            Yaml = Postgres + "  ssl_mode: sometimes\n",
            Key = "database.ssl_mode",
            Value = "sometimes",
            Allowed = SslModeAllowed,
            Source = "{config}:4:13",
        },
        new()
        {
            Name = "unsupported sslmode under its alias",
            Yaml = Postgres + "  sslmode: sometimes\n",
            Key = "database.sslmode",
            Value = "sometimes",
            Allowed = SslModeAllowed,
            Source = "{config}:4:12",
        },
        new()
        {
            Name = "name and its alias dbname set to different values",
            Yaml = Postgres + "  name: orders_primary\n  dbname: orders_replica\n",
            Key = "database.dbname",
            Source = "{config}:5:11",
            Mentions = ["database.name", "orders_primary", "orders_replica"],
        },
        new()
        {
            Name = "malformed conn_string in keyword form",
            Yaml = """
                database:
                  driver: postgres
                  conn_string: 'Host=db.invalid;Password=hunter2-in-keywords;Port=abc'
                """,
            Key = "database.conn_string",
            Allowed = "allowed: Npgsql keywords such as Host=db;Database=compozy;Username=app (quote values that contain ;), or a postgres://user:password@host:5432/database URL",
            Source = "{config}:3:16",
            Mentions = ["has a keyword Npgsql does not accept"],
            Hidden = "hunter2-in-keywords",
        },
        new()
        {
            Name = "malformed conn_string in URL form",
            Yaml = """
                database:
                  driver: postgres
                  conn_string: 'postgres://app:hunter2-in-url@db.invalid/app?sslmode=sometimes'
                """,
            Key = "database.conn_string",
            Allowed = SslModeAllowed,
            Source = "{config}:3:16",
            Mentions = ["has an sslmode in its URL that is not supported"],
            Hidden = "hunter2-in-url",
        },

        new()
        {
            Name = "vector_dbs that is not a list",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs: docs
                """,
            Key = "knowledge.vector_dbs",
            Value = "docs",
            Allowed = "allowed: a list of vector databases",
            Source = "{config}:5:15",
        },
        new()
        {
            Name = "vector database with an unknown provider",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: chroma
                      dimension: 768
                """,
            Key = "knowledge.vector_dbs[0].provider",
            Value = "chroma",
            Allowed = "allowed: pgvector, embedded, qdrant, filesystem",
            Source = "{config}:7:17",
        },
        new()
        {
            Name = "vector database without an id",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - provider: qdrant
                      url: http://localhost:6333
                      dimension: 768
                """,
            Key = "knowledge.vector_dbs[0].id",
            Source = "{config}:6:17",
            Mentions = ["is missing"],
        },
        new()
        {
            Name = "two vector databases with the same id",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      url: http://localhost:6333
                      dimension: 768
                    - id: docs
                      provider: qdrant
                      url: http://localhost:6334
                      dimension: 768
                """,
            Key = "knowledge.vector_dbs[1].id",
            Value = "docs",
            Source = "{config}:10:11",
            Mentions = ["already used by knowledge.vector_dbs[0]"],
        },
        new()
        {
            Name = "vector database with dimension 0",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      url: http://localhost:6333
                      dimension: 0
                """,
            Key = "knowledge.vector_dbs[0].dimension",
            Value = "0",
            Allowed = DimensionAllowed,
            Source = "{config}:9:18",
        },
        new()
        {
            Name = "vector database with a negative dimension",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      url: http://localhost:6333
                      dimension: -5
                """,
            Key = "knowledge.vector_dbs[0].dimension",
            Value = "-5",
            Allowed = DimensionAllowed,
            Source = "{config}:9:18",
        },
        new()
        {
            Name = "vector database with a dimension above pgvector's limit",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      url: http://localhost:6333
                      dimension: 16001
                """,
            Key = "knowledge.vector_dbs[0].dimension",
            Value = "16001",
            Allowed = DimensionAllowed,
            Source = "{config}:9:18",
        },
        new()
        {
            Name = "vector database without a dimension",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      url: http://localhost:6333
                """,
            Key = "knowledge.vector_dbs[0].dimension",
            Allowed = DimensionAllowed,
            Source = "{config}:7:17",
            Mentions = ["is missing"],
        },
        new()
        {
            Name = "qdrant vector database without a url",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      dimension: 768
                """,
            Key = "knowledge.vector_dbs[0].url",
            Source = "{config}:7:17",
            Mentions = ["is missing", "http://localhost:6333"],
        },
        new()
        {
            Name = "qdrant vector database with a url that is not http",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      url: ftp://vectors.invalid
                      dimension: 768
                """,
            Key = "knowledge.vector_dbs[0].url",
            Value = "ftp://vectors.invalid",
            Allowed = "allowed: for example http://localhost:6333",
            Source = "{config}:8:12",
        },
        new()
        {
            Name = "unknown field in a vector database entry",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      url: http://localhost:6333
                      dimension: 768
                      collection: docs
                """,
            Key = "knowledge.vector_dbs[0].collection",
            Allowed = "allowed: id, provider, url, path, dimension, metric, options",
            Source = "{config}:10:19",
            Mentions = ["is not a known setting"],
        },
        new()
        {
            Name = "vector database with an unknown metric",
            Yaml = Sqlite + """
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: qdrant
                      url: http://localhost:6333
                      dimension: 768
                      metric: manhattan
                """,
            Key = "knowledge.vector_dbs[0].metric",
            Value = "manhattan",
            Allowed = "allowed: cosine, l2, dot",
            Source = "{config}:10:15",
        },

        new()
        {
            Name = "start with --port that is not a number",
            Yaml = Sqlite,
            Command = ["start"],
            Arguments = ["--port", "abc"],
            Key = "server.port",
            Value = "abc",
            Allowed = "allowed: an integer from 0 to 65535",
            Source = "flag --port",
        },
        new()
        {
            Name = "start with server.host that is not an IP address",
            Yaml = Sqlite + """
                server:
                  host: my-host.example
                """,
            Command = ["start"],
            Key = "server.host",
            Value = "my-host.example",
            Allowed = "allowed: an IPv4 or IPv6 address such as 127.0.0.1, or localhost",
            Source = "{config}:5:9",
        },
        new()
        {
            Name = "start with a shutdown timeout without a unit in SERVER_SHUTDOWN_TIMEOUT",
            Yaml = Sqlite,
            Command = ["start"],
            Environment = new Dictionary<string, string> { ["SERVER_SHUTDOWN_TIMEOUT"] = "30" },
            Key = "server.shutdown_timeout",
            Value = "30",
            Allowed = DurationAllowed + ", from 1s to 10m",
            Source = "environment variable SERVER_SHUTDOWN_TIMEOUT",
        },
        new()
        {
            Name = "start with an unknown key under server",
            Yaml = Sqlite + """
                server:
                  prot: 8080
                """,
            Command = ["start"],
            Key = "server.prot",
            Source = "{config}:5:9",
            Mentions = ["did you mean server.port?"],
        },
        new()
        {
            Name = "start with a retention status that is not finished",
            Yaml = Sqlite + """
                  retention:
                    interval: 1h
                    older_than: 30d
                    statuses: SUCCESS,RUNNING
                """,
            Command = ["start"],
            Key = "database.retention.statuses",
            Value = "SUCCESS,RUNNING",
            Allowed = "allowed: one or more of SUCCESS, FAILED, TIMED_OUT, CANCELED, separated by commas",
            Source = "{config}:7:15",
        },
        new()
        {
            Name = "retention age of zero in DB_RETENTION_OLDER_THAN",
            Yaml = Sqlite,
            Environment = new Dictionary<string, string> { ["DB_RETENTION_INTERVAL"] = "1h", ["DB_RETENTION_OLDER_THAN"] = "0s" },
            Key = "database.retention.older_than",
            Value = "0s",
            Allowed = "allowed: a duration such as 30d, 12h or 90m, from 1m to 36500d",
            Source = "environment variable DB_RETENTION_OLDER_THAN",
        },
        new()
        {
            Name = "retention interval without an age",
            Yaml = Sqlite + """
                  retention:
                    interval: 6h
                """,
            Key = "database.retention.interval",
            Mentions = ["database.retention.older_than is not set", "allowed: set it too (for example 30d)"],
            Source = "{config}:5:15",
        },
    ];

    public static InvalidConfigurationCase Get(string name) => All.Single(testCase => testCase.Name == name);
}
