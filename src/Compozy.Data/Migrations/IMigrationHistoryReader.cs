using System.Reflection;

namespace Compozy.Data.Migrations;

/// <summary>
/// What <see cref="MigrationRunner"/> reports on: the migrations of this build, and the rows of
/// the database's history table.
/// </summary>
/// <remarks>
/// <para>A provider may register its own; otherwise the core reads both through a read context
/// (EF Core's migrations assembly and history repository). The SQLite provider reads its file
/// directly: building a context (its options, the compiled model, EF's internal services) was
/// most of what <c>compozy migrate status</c> cost.</para>
/// <para>An implementation changes nothing: a database or history table that does not exist yet
/// reads as nothing applied and is not created. It raises the provider's own exceptions, which
/// its <see cref="Errors.IDbErrorClassifier"/> classifies.</para>
/// </remarks>
public interface IMigrationHistoryReader
{
    /// <summary>The migrations of this build by id, with their types, as EF Core finds them in the provider's migrations assembly.</summary>
    IReadOnlyDictionary<string, TypeInfo> KnownMigrations { get; }

    /// <summary>Each migration id the history table lists, with when it was applied (UTC; <see langword="null"/> when the row does not say).</summary>
    Task<IReadOnlyDictionary<string, DateTime?>> ReadAppliedAsync(CancellationToken cancellationToken = default);
}
