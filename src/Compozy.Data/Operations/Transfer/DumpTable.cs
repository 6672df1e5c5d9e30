using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Compozy.Data.Operations.Transfer;

/// <summary>
/// One table of the dump, taken from the model so that a column added to an entity is exported
/// without a change here.
/// </summary>
internal sealed class DumpTable
{
    private DumpTable(IEntityType entityType)
    {
        EntityType = entityType;
        Name = entityType.GetTableName()!;
        var shadow = entityType.GetProperties().FirstOrDefault(property => property.PropertyInfo is null);
        if (shadow is not null)
        {
            // A shadow property has no member to read or set; the dump would silently lose it.
            throw new NotSupportedException($"{Name}.{shadow.GetColumnName()} is a shadow property, which the dump cannot carry; map it to a member of {entityType.ClrType.Name}");
        }

        Columns = entityType.GetProperties().ToList();
        ColumnNames = Columns.Select(property => property.GetColumnName()).ToList();
        SelfReferences = entityType.GetForeignKeys()
            .Where(key => key.PrincipalEntityType == entityType)
            .SelectMany(key => key.Properties)
            .ToList();
    }

    /// <summary>The entity type of the table.</summary>
    public IEntityType EntityType { get; }

    /// <summary>The table's name in both databases.</summary>
    public string Name { get; }

    /// <summary>The mapped properties, in the model's order.</summary>
    public IReadOnlyList<IProperty> Columns { get; }

    /// <summary>The column names of <see cref="Columns"/>.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>
    /// Foreign key columns that point into the same table (a task's parent): a row may come before
    /// the row it points to, so they are written in a second pass once every row is in.
    /// </summary>
    public IReadOnlyList<IProperty> SelfReferences { get; }

    /// <summary>The model's tables but <c>audit_events</c>, each after the tables its foreign keys point to.</summary>
    public static IReadOnlyList<DumpTable> InDependencyOrder(IModel model)
    {
        // The audit log stays with the database it describes: an import target already holds the
        // entries of its own migration (and of the import), and an import must start empty.
        var remaining = model.GetEntityTypes()
            .Where(entityType => entityType.GetTableName() is not null && !entityType.IsOwned() && entityType.ClrType != typeof(Entities.AuditEvent))
            .OrderBy(entityType => entityType.GetTableName(), StringComparer.Ordinal)
            .ToList();
        var ordered = new List<DumpTable>();
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(entityType => entityType.GetForeignKeys()
                .All(key => key.PrincipalEntityType == entityType || !remaining.Contains(key.PrincipalEntityType)))
                ?? throw new NotSupportedException($"the tables {string.Join(", ", remaining.Select(entityType => entityType.GetTableName()))} point at each other in a cycle, which the dump cannot order");
            ordered.Add(new DumpTable(next));
            remaining.Remove(next);
        }

        return ordered;
    }

    /// <summary>The values of <paramref name="entity"/>'s columns.</summary>
    public object?[] ValuesOf(object entity) => Columns.Select(property => property.PropertyInfo!.GetValue(entity)).ToArray();

    /// <summary>A new entity holding <paramref name="values"/>.</summary>
    public object Create(object?[] values)
    {
        var entity = Activator.CreateInstance(EntityType.ClrType)!;
        for (var index = 0; index < Columns.Count; index++)
        {
            Columns[index].PropertyInfo!.SetValue(entity, values[index]);
        }

        return entity;
    }

    /// <summary>Every row of the table, read without tracking.</summary>
    public IAsyncEnumerable<object> ReadAll(DbContext context) => (IAsyncEnumerable<object>)ReadAllMethod.MakeGenericMethod(EntityType.ClrType).Invoke(null, [context])!;

    /// <summary>Whether the table holds a row.</summary>
    public Task<bool> AnyAsync(DbContext context, CancellationToken cancellationToken) =>
        (Task<bool>)AnyMethod.MakeGenericMethod(EntityType.ClrType).Invoke(null, [context, cancellationToken])!;

    /// <summary>Deletes every row of the table.</summary>
    public Task<int> DeleteAllAsync(DbContext context, CancellationToken cancellationToken) =>
        (Task<int>)DeleteAllMethod.MakeGenericMethod(EntityType.ClrType).Invoke(null, [context, cancellationToken])!;

    private static readonly System.Reflection.MethodInfo ReadAllMethod = typeof(DumpTable).GetMethod(nameof(ReadAllOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
    private static readonly System.Reflection.MethodInfo AnyMethod = typeof(DumpTable).GetMethod(nameof(AnyOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
    private static readonly System.Reflection.MethodInfo DeleteAllMethod = typeof(DumpTable).GetMethod(nameof(DeleteAllOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static IAsyncEnumerable<object> ReadAllOf<T>(DbContext context)
        where T : class => context.Set<T>().AsNoTracking().AsAsyncEnumerable();

    private static Task<bool> AnyOf<T>(DbContext context, CancellationToken cancellationToken)
        where T : class => context.Set<T>().AnyAsync(cancellationToken);

    private static Task<int> DeleteAllOf<T>(DbContext context, CancellationToken cancellationToken)
        where T : class => context.Set<T>().ExecuteDeleteAsync(cancellationToken);
}
