namespace Compozy.Data.Sqlite.Connections;

/// <summary>What a connection is for; decides the PRAGMAs it gets.</summary>
internal enum SqliteConnectionRole
{
    /// <summary>The one connection that writes and checkpoints.</summary>
    Writer,

    /// <summary>A pooled connection that only reads (<c>query_only</c>).</summary>
    Reader,
}
