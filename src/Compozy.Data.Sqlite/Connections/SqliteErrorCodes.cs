namespace Compozy.Data.Sqlite.Connections;

/// <summary>SQLite result codes (sqlite3.h) the provider tells apart.</summary>
internal static class SqliteErrorCodes
{
    public const int Busy = 5;
    public const int Locked = 6;
    public const int Interrupt = 9;
    public const int Corrupt = 11;
    public const int NotADatabase = 26;
}
