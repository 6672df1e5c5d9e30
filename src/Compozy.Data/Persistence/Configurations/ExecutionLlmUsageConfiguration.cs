using Compozy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="ExecutionLlmUsage"/> to <c>execution_llm_usage</c>.</summary>
internal sealed class ExecutionLlmUsageConfiguration : IEntityTypeConfiguration<ExecutionLlmUsage>
{
    public void Configure(EntityTypeBuilder<ExecutionLlmUsage> builder)
    {
        builder.ToTable("execution_llm_usage", table =>
        {
            table.HasCheckConstraint(
                "ck_execution_llm_usage_exactly_one_exec_id",
                "(\"workflow_exec_id\" IS NULL) <> (\"task_exec_id\" IS NULL)");
            table.HasCheckConstraint(
                "ck_execution_llm_usage_tokens_not_negative",
                "\"prompt_tokens\" >= 0 AND \"completion_tokens\" >= 0 AND \"total_tokens\" >= 0 AND "
                + "(\"reasoning_tokens\" IS NULL OR \"reasoning_tokens\" >= 0) AND "
                + "(\"cached_prompt_tokens\" IS NULL OR \"cached_prompt_tokens\" >= 0) AND "
                + "(\"input_audio_tokens\" IS NULL OR \"input_audio_tokens\" >= 0) AND "
                + "(\"output_audio_tokens\" IS NULL OR \"output_audio_tokens\" >= 0)");
        });

        builder.HasKey(usage => usage.Id).HasName("pk_execution_llm_usage");

        builder.Property(usage => usage.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(usage => usage.WorkflowExecId).HasColumnName("workflow_exec_id");
        builder.Property(usage => usage.TaskExecId).HasColumnName("task_exec_id");
        builder.Property(usage => usage.Component).HasColumnName("component");
        builder.Property(usage => usage.AgentId).HasColumnName("agent_id");
        builder.Property(usage => usage.Provider).HasColumnName("provider");
        builder.Property(usage => usage.Model).HasColumnName("model");
        builder.Property(usage => usage.PromptTokens).HasColumnName("prompt_tokens").HasStoreDefault(0L);
        builder.Property(usage => usage.CompletionTokens).HasColumnName("completion_tokens").HasStoreDefault(0L);
        builder.Property(usage => usage.TotalTokens).HasColumnName("total_tokens").HasStoreDefault(0L);
        builder.Property(usage => usage.ReasoningTokens).HasColumnName("reasoning_tokens");
        builder.Property(usage => usage.CachedPromptTokens).HasColumnName("cached_prompt_tokens");
        builder.Property(usage => usage.InputAudioTokens).HasColumnName("input_audio_tokens");
        builder.Property(usage => usage.OutputAudioTokens).HasColumnName("output_audio_tokens");
        builder.Property(usage => usage.CreatedAt).HasColumnName("created_at").DefaultsToCurrentTimestamp();
        builder.Property(usage => usage.UpdatedAt).HasColumnName("updated_at").DefaultsToCurrentTimestamp();

        builder.HasOne<WorkflowState>()
            .WithMany()
            .HasForeignKey(usage => usage.WorkflowExecId)
            .HasConstraintName("fk_execution_llm_usage_workflow_exec_id")
            .OnDelete(DeleteBehavior.Cascade);

        builder.HasOne<TaskState>()
            .WithMany()
            .HasForeignKey(usage => usage.TaskExecId)
            .HasConstraintName("fk_execution_llm_usage_task_exec_id")
            .OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(usage => new { usage.TaskExecId, usage.Component })
            .IsUnique()
            .HasFilter("\"task_exec_id\" IS NOT NULL")
            .HasDatabaseName("uq_execution_usage_task_component");
        builder.HasIndex(usage => new { usage.WorkflowExecId, usage.Component })
            .IsUnique()
            .HasFilter("\"workflow_exec_id\" IS NOT NULL")
            .HasDatabaseName("uq_execution_usage_workflow_component");
        builder.HasIndex(usage => new { usage.Component, usage.CreatedAt })
            .HasDatabaseName("idx_execution_usage_component_created_at");
    }
}
