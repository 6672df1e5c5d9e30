namespace Compozy.Data.Operations.Transfer;

/// <summary>The kinds of line after a dump's header.</summary>
internal enum DumpRecordKind
{
    /// <summary><c>{"table": ..., "columns": [...]}</c>: the rows of a table follow.</summary>
    Table,

    /// <summary><c>{"row": {...}}</c>: one row of the current table.</summary>
    Row,

    /// <summary><c>{"end": ..., "rows": n, "sha256": ...}</c>: the current table is complete.</summary>
    End,

    /// <summary><c>{"end_of_dump": true, ...}</c>: the last line; a dump without it is truncated.</summary>
    EndOfDump,
}
