using System.Reflection;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Compozy.Data.Migrations;

/// <summary>The migrations of a migrations assembly, found by the rules EF Core uses, without a context.</summary>
/// <remarks>
/// Hand-written because EF's <see cref="IMigrationsAssembly"/> exists only inside a context's
/// internal service provider, which costs more to build than reading the history does. The rules
/// are EF's: a constructible subclass of <see cref="Migration"/> whose <see cref="DbContextAttribute"/>
/// names the context type, under the id of its <see cref="MigrationAttribute"/>. A test compares
/// what this finds with what EF finds, for every provider.
/// </remarks>
public static class MigrationCatalog
{
    /// <summary>The migrations of <paramref name="contextType"/> in <paramref name="assembly"/>, by id.</summary>
    public static IReadOnlyDictionary<string, TypeInfo> Find(Assembly assembly, Type contextType)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(contextType);
        var migrations = new Dictionary<string, TypeInfo>(StringComparer.Ordinal);
        foreach (var type in assembly.DefinedTypes)
        {
            if (type.IsAbstract
                || type.IsGenericTypeDefinition
                || !type.IsSubclassOf(typeof(Migration))
                || type.GetCustomAttribute<DbContextAttribute>()?.ContextType != contextType
                || type.GetCustomAttribute<MigrationAttribute>() is not { } migration)
            {
                continue;
            }

            migrations.Add(migration.Id, type);
        }

        return migrations;
    }
}
