namespace Compozy.Data.Benchmarks;

/// <summary>The database the integrity checks run on.</summary>
/// <param name="Path">The cached file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="PageSize">SQLite page size.</param>
/// <param name="Pages">Pages in the file.</param>
/// <param name="WorkflowStates">Rows in <c>workflow_states</c>.</param>
/// <param name="TaskStates">Rows in <c>task_states</c>.</param>
/// <param name="Indexes">Indexes in the schema (each one integrity_check cross-checks against its table).</param>
/// <param name="BuildSeconds">Time this run spent building it, or <see langword="null"/> when an existing file was reused.</param>
internal sealed record LargeDatabase(
    string Path,
    long Bytes,
    long PageSize,
    long Pages,
    long WorkflowStates,
    long TaskStates,
    long Indexes,
    double? BuildSeconds);
