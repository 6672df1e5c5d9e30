using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Compozy.Data.Tests.Model;

/// <summary>
/// One line per fact of a runtime model that the compiled model carries and the relational
/// model differ does not compare: CLR types, converters and comparers (their expressions, which
/// the compiled model copies as C#), sentinels, value generation, and every annotation.
/// </summary>
internal static class ModelFingerprint
{
    public static IReadOnlyList<string> Of(IModel model)
    {
        var lines = new List<string>();
        AddAnnotations(lines, "model", model);
        foreach (var entityType in model.GetEntityTypes().OrderBy(entityType => entityType.Name, StringComparer.Ordinal))
        {
            var name = entityType.Name;
            lines.Add($"{name}: table {entityType.GetSchema()}.{entityType.GetTableName()}, {entityType.GetChangeTrackingStrategy()}");
            AddAnnotations(lines, name, entityType);
            foreach (var property in entityType.GetProperties().OrderBy(property => property.Name, StringComparer.Ordinal))
            {
                var mapping = property.GetRelationalTypeMapping();
                var path = $"{name}.{property.Name}";
                lines.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{path}: {property.ClrType} nullable {property.IsNullable}, generated {property.ValueGenerated}, sentinel {property.Sentinel}, column {property.GetColumnName()} {mapping.StoreType}, max length {property.GetMaxLength()}, concurrency {property.IsConcurrencyToken}"));
                lines.Add($"{path} converter: {Describe(property.GetValueConverter() ?? mapping.Converter)}");
                lines.Add($"{path} comparer: {Describe(property.GetValueComparer())}");
                if (property.IsKey() || property.IsForeignKey() || property.IsIndex())
                {
                    // EF uses the key comparer only for keys and indexes; elsewhere the compiled
                    // model leaves it to the type mapping, which differs without mattering.
                    lines.Add($"{path} key comparer: {Describe(property.GetKeyValueComparer())}");
                }

                lines.Add($"{path} provider comparer: {Describe(property.GetProviderValueComparer())}");
                AddAnnotations(lines, path, property);
            }

            foreach (var key in entityType.GetKeys())
            {
                lines.Add($"{name} key ({Names(key.Properties)}) {key.GetName()} primary {key.IsPrimaryKey()}");
            }

            foreach (var foreignKey in entityType.GetForeignKeys())
            {
                lines.Add($"{name} foreign key ({Names(foreignKey.Properties)}) -> {foreignKey.PrincipalEntityType.Name} ({Names(foreignKey.PrincipalKey.Properties)}) {foreignKey.GetConstraintName()} {foreignKey.DeleteBehavior} required {foreignKey.IsRequired} unique {foreignKey.IsUnique} navigations {foreignKey.DependentToPrincipal?.Name}/{foreignKey.PrincipalToDependent?.Name}");
            }

            foreach (var index in entityType.GetIndexes())
            {
                lines.Add($"{name} index ({Names(index.Properties)}) {index.GetDatabaseName()} unique {index.IsUnique} filter {index.GetFilter()}");
                AddAnnotations(lines, $"{name} index {index.GetDatabaseName()}", index);
            }
        }

        return lines;
    }

    /// <summary>The lines of <paramref name="expected"/> missing from <paramref name="actual"/> and the reverse, each marked.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<string> expected, IReadOnlyList<string> actual) =>
        [
            .. expected.Except(actual, StringComparer.Ordinal).Select(line => $"  configurations: {line}"),
            .. actual.Except(expected, StringComparer.Ordinal).Select(line => $"  compiled:       {line}"),
        ];

    private static void AddAnnotations(List<string> lines, string owner, IReadOnlyAnnotatable annotatable)
    {
        foreach (var annotation in annotatable.GetAnnotations().OrderBy(annotation => annotation.Name, StringComparer.Ordinal))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{owner} [{annotation.Name}] = {annotation.Value}"));
        }
    }

    private static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(", ", properties.Select(property => property.Name));

    private static string Describe(ValueConverter? converter) =>
        converter is null
            ? "none"
            : $"{converter.ModelClrType} -> {converter.ProviderClrType}: {converter.ConvertToProviderExpression} / {converter.ConvertFromProviderExpression}";

    private static string Describe(ValueComparer? comparer) =>
        comparer is null
            ? "none"
            : $"{comparer.Type}: {comparer.EqualsExpression} / {comparer.HashCodeExpression} / {comparer.SnapshotExpression}";
}
