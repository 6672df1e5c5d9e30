using Compozy.Data.Migrations;

namespace Compozy.Data.Migrations.Sqlite.Migrations;

// Written by hand beside the generated migration (Migrations/*_Baseline.cs), so that regenerating
// it keeps the mark: its schema equals the one the four hand-written migrations built, and a
// database migrated by them records it instead of running it (LegacyMigrationHistory).
/// <summary>
/// The first migration: the whole schema as the four hand-written migrations it replaced left it.
/// </summary>
[ReplacesLegacyHistory]
public partial class Baseline;
