namespace Compozy.Data.Operations.Transfer;

/// <summary>How far an export or import is: a table and the rows done in it.</summary>
/// <param name="Phase"><c>export</c>, <c>check</c> (the import's read pass over the dump), <c>import</c> or <c>verify</c>.</param>
/// <param name="Table">The table in progress.</param>
/// <param name="Rows">Rows of <paramref name="Table"/> done so far.</param>
public readonly record struct DatabaseTransferProgress(string Phase, string Table, long Rows);
