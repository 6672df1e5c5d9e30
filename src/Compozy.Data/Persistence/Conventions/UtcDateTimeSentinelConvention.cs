using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace Compozy.Data.Persistence.Conventions;

/// <summary>
/// Gives every <see cref="DateTime"/> property the sentinel <c>0001-01-01</c> marked UTC instead of
/// <c>default(DateTime)</c>, whose kind is unspecified.
/// </summary>
/// <remarks>
/// <c>dotnet ef dbcontext optimize</c> writes each sentinel's provider value into the compiled
/// model by passing it through the property's converter, and <see cref="UtcDateTimeConverter"/>
/// refuses an unspecified kind. The two sentinels are the same instant (<see cref="DateTime"/>
/// equality ignores the kind), so EF's "is this value set" checks do not change.
/// </remarks>
internal sealed class UtcDateTimeSentinelConvention : IModelFinalizingConvention
{
    private static readonly DateTime Sentinel = DateTime.SpecifyKind(default, DateTimeKind.Utc);

    /// <inheritdoc />
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        foreach (var entityType in modelBuilder.Metadata.GetEntityTypes())
        {
            foreach (var property in entityType.GetDeclaredProperties())
            {
                if (property.ClrType == typeof(DateTime))
                {
                    property.Builder.HasSentinel(Sentinel);
                }
            }
        }
    }
}
