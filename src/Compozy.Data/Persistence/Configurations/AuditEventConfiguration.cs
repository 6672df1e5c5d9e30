using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="AuditEvent"/> to <c>audit_events</c>.</summary>
internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events", table => table.HasCheckConstraint(
            "ck_audit_events_outcome",
            CheckConstraintSql.In("outcome", StoredNames.All<AuditOutcome>())));

        builder.HasKey(audit => audit.Id).HasName("pk_audit_events");

        builder.Property(audit => audit.Id).HasColumnName("id");
        builder.Property(audit => audit.OccurredAt).HasColumnName("occurred_at");
        builder.Property(audit => audit.Actor).HasColumnName("actor");
        builder.Property(audit => audit.Action).HasColumnName("action");
        builder.Property(audit => audit.Target).HasColumnName("target");
        builder.Property(audit => audit.Outcome).HasColumnName("outcome")
            .HasConversion(new StoredNameConverter<AuditOutcome>());
        builder.Property(audit => audit.Reason).HasColumnName("reason");
        builder.Property(audit => audit.Details).HasColumnName("details").StoresJson(JsonShape.Mapping);

        // The listing pages by (occurred_at, id); its filters narrow by action and actor.
        builder.HasIndex(audit => new { audit.OccurredAt, audit.Id }).HasDatabaseName("idx_audit_events_occurred_at_id");
        builder.HasIndex(audit => new { audit.Action, audit.OccurredAt }).HasDatabaseName("idx_audit_events_action_occurred_at");
        builder.HasIndex(audit => new { audit.Actor, audit.OccurredAt }).HasDatabaseName("idx_audit_events_actor_occurred_at");
    }
}
