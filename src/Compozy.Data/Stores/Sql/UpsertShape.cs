namespace Compozy.Data.Stores.Sql;

/// <summary>How <see cref="ModelUpsert"/> resolves a conflict for one entity type.</summary>
/// <param name="ConflictColumns">The columns of the unique index or key that decides "same row".</param>
/// <param name="ConflictPredicate">The predicate of a partial unique index, as written in its filter; <see langword="null"/> for a full one.</param>
/// <param name="KeepOnConflict">Columns an existing row keeps (for example <c>created_at</c>); the conflict columns are always kept.</param>
internal sealed record UpsertShape(
    IReadOnlyList<string> ConflictColumns,
    string? ConflictPredicate,
    IReadOnlyList<string> KeepOnConflict);
