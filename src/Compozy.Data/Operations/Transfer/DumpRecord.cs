namespace Compozy.Data.Operations.Transfer;

/// <summary>One line of a dump after its header, decoded.</summary>
/// <param name="Kind">What the line is.</param>
/// <param name="Table">The table it belongs to (none for <see cref="DumpRecordKind.EndOfDump"/>).</param>
/// <param name="Values">A row's values in the order of <see cref="DumpTable.Columns"/>.</param>
/// <param name="Rows">The row count an <see cref="DumpRecordKind.End"/> or <see cref="DumpRecordKind.EndOfDump"/> line states.</param>
/// <param name="Checksum">The checksum an <see cref="DumpRecordKind.End"/> line states.</param>
internal sealed record DumpRecord(DumpRecordKind Kind, DumpTable? Table, object?[]? Values = null, long Rows = 0, string? Checksum = null);
