using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="TaskState"/> to <c>task_states</c>.</summary>
internal sealed class TaskStateConfiguration : IEntityTypeConfiguration<TaskState>
{
    /// <summary>
    /// Compozy's rule for which components a task may carry: a basic task runs an agent action, a
    /// tool, or nothing; a router carries none; other types are not restricted.
    /// </summary>
    internal const string ExecutionTypeComponentsCheck =
        "(\"execution_type\" = 'basic' AND ("
        + "(\"agent_id\" IS NOT NULL AND \"action_id\" IS NOT NULL AND \"tool_id\" IS NULL) OR "
        + "(\"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NOT NULL) OR "
        + "(\"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NULL))) OR "
        + "(\"execution_type\" = 'router' AND \"agent_id\" IS NULL AND \"action_id\" IS NULL AND \"tool_id\" IS NULL) OR "
        + "(\"execution_type\" NOT IN ('basic', 'router'))";

    public void Configure(EntityTypeBuilder<TaskState> builder)
    {
        builder.ToTable("task_states", table =>
        {
            table.HasCheckConstraint(
                "ck_task_states_status",
                CheckConstraintSql.In("status", StoredNames.All<ExecutionStatus>()));
            table.HasCheckConstraint(
                "ck_task_states_execution_type",
                CheckConstraintSql.In("execution_type", StoredNames.All<ExecutionType>()));
            table.HasCheckConstraint("ck_task_states_execution_type_components", ExecutionTypeComponentsCheck);
        });

        builder.HasKey(task => task.TaskExecId).HasName("pk_task_states");

        builder.Property(task => task.TaskExecId).HasColumnName("task_exec_id");
        builder.Property(task => task.TaskId).HasColumnName("task_id");
        builder.Property(task => task.Component).HasColumnName("component");
        builder.Property(task => task.Status).HasColumnName("status")
            .HasConversion(new StoredNameConverter<ExecutionStatus>());
        builder.Property(task => task.WorkflowExecId).HasColumnName("workflow_exec_id");
        builder.Property(task => task.WorkflowId).HasColumnName("workflow_id");
        builder.Property(task => task.ExecutionType).HasColumnName("execution_type")
            .HasConversion(new StoredNameConverter<ExecutionType>())
            .HasStoreDefault(ExecutionType.Basic);
        builder.Property(task => task.Usage).HasColumnName("usage").StoresJson(JsonShape.Array);
        builder.Property(task => task.AgentId).HasColumnName("agent_id");
        builder.Property(task => task.ToolId).HasColumnName("tool_id");
        builder.Property(task => task.ActionId).HasColumnName("action_id");
        builder.Property(task => task.ParentStateId).HasColumnName("parent_state_id");
        builder.Property(task => task.Input).HasColumnName("input").StoresJson();
        builder.Property(task => task.Output).HasColumnName("output").StoresJson();
        builder.Property(task => task.Error).HasColumnName("error").StoresJson();
        builder.Property(task => task.CreatedAt).HasColumnName("created_at").DefaultsToCurrentTimestamp();
        builder.Property(task => task.UpdatedAt).HasColumnName("updated_at").DefaultsToCurrentTimestamp();

        builder.HasOne(task => task.Workflow)
            .WithMany(workflow => workflow.Tasks)
            .HasForeignKey(task => task.WorkflowExecId)
            .HasConstraintName("fk_task_states_workflow_exec_id")
            .OnDelete(DeleteBehavior.Cascade);

        builder.HasOne(task => task.Parent)
            .WithMany(parent => parent.Children)
            .HasForeignKey(task => task.ParentStateId)
            .HasConstraintName("fk_task_states_parent_state_id")
            .OnDelete(DeleteBehavior.Cascade);

        // Added by the TaskListingIndex migration in place of an index on status alone: a listing
        // filtered by status reads its page in the listing's order (created_at, task_exec_id),
        // from the cursor on, instead of sorting every task of that status.
        builder.HasIndex(task => new { task.Status, task.CreatedAt, task.TaskExecId })
            .HasDatabaseName("idx_task_states_status_created_at_task_exec_id");
        builder.HasIndex(task => task.WorkflowId).HasDatabaseName("idx_task_states_workflow_id");
        builder.HasIndex(task => new { task.WorkflowExecId, task.Status })
            .HasDatabaseName("idx_task_states_workflow_exec_id_status");
        builder.HasIndex(task => new { task.WorkflowExecId, task.TaskId })
            .HasDatabaseName("idx_task_states_workflow_exec_id_task_id");
        builder.HasIndex(task => task.TaskId).HasDatabaseName("idx_task_states_task_id");
        builder.HasIndex(task => new { task.ParentStateId, task.TaskId })
            .HasDatabaseName("idx_task_states_parent_state_id_task_id");
        builder.HasIndex(task => task.AgentId).HasDatabaseName("idx_task_states_agent_id");
        builder.HasIndex(task => task.ToolId).HasDatabaseName("idx_task_states_tool_id");

        // Added by the second migration: ListChildrenOutputs reads only children that have output.
        builder.HasIndex(task => task.ParentStateId)
            .HasDatabaseName("idx_task_states_parent_state_id_with_output")
            .HasFilter("\"output\" IS NOT NULL");
        builder.HasIndex(task => new { task.WorkflowExecId, task.ExecutionType })
            .HasDatabaseName("idx_task_states_workflow_exec_id_execution_type");
    }
}
