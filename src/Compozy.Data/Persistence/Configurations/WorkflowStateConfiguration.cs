using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="WorkflowState"/> to <c>workflow_states</c>.</summary>
internal sealed class WorkflowStateConfiguration : IEntityTypeConfiguration<WorkflowState>
{
    public void Configure(EntityTypeBuilder<WorkflowState> builder)
    {
        builder.ToTable("workflow_states", table => table.HasCheckConstraint(
            "ck_workflow_states_status",
            CheckConstraintSql.In("status", StoredNames.All<ExecutionStatus>())));

        builder.HasKey(workflow => workflow.WorkflowExecId).HasName("pk_workflow_states");

        builder.Property(workflow => workflow.WorkflowExecId).HasColumnName("workflow_exec_id");
        builder.Property(workflow => workflow.WorkflowId).HasColumnName("workflow_id");
        builder.Property(workflow => workflow.Status).HasColumnName("status")
            .HasConversion(new StoredNameConverter<ExecutionStatus>());
        builder.Property(workflow => workflow.Usage).HasColumnName("usage").StoresJson(JsonShape.Array);
        builder.Property(workflow => workflow.Input).HasColumnName("input").StoresJson();
        builder.Property(workflow => workflow.Output).HasColumnName("output").StoresJson();
        builder.Property(workflow => workflow.Error).HasColumnName("error").StoresJson();
        builder.Property(workflow => workflow.CreatedAt).HasColumnName("created_at").DefaultsToCurrentTimestamp();
        builder.Property(workflow => workflow.UpdatedAt).HasColumnName("updated_at").DefaultsToCurrentTimestamp();

        builder.HasIndex(workflow => workflow.Status).HasDatabaseName("idx_workflow_states_status");
        builder.HasIndex(workflow => new { workflow.WorkflowId, workflow.Status })
            .HasDatabaseName("idx_workflow_states_workflow_id_status");
        builder.HasIndex(workflow => workflow.CreatedAt).HasDatabaseName("idx_workflow_states_created_at");
        builder.HasIndex(workflow => workflow.UpdatedAt).HasDatabaseName("idx_workflow_states_updated_at");
    }
}
