namespace Compozy.Data.Operations;

/// <summary>What <see cref="IDatabaseStatusReader"/> found: the facts to show, and the verdict a caller acts on.</summary>
/// <param name="Report">The provider's facts, in display order.</param>
/// <param name="Check">The integrity check that was asked for.</param>
/// <param name="IntegrityOk">
/// <see langword="false"/> when the database is damaged (a check failed, the file is not a
/// database, or only its leftovers remain), whether or not a check was asked for;
/// <see langword="true"/> when a check passed; <see langword="null"/> when nothing was checked or
/// the provider has no check.
/// </param>
public sealed record DatabaseStatus(DatabaseReport Report, IntegrityCheck Check, bool? IntegrityOk);
