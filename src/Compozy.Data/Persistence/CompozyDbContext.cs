using Compozy.Data.Entities;
using Compozy.Data.Persistence.Configurations;
using Compozy.Data.Persistence.Conventions;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Persistence;

/// <summary>
/// The one EF Core model of Compozy.Data, shared by every provider. Dialect differences (JSON
/// column types, case-insensitive collation, defaults) are applied by the selected provider's
/// model customizer from the marks in <see cref="ModelDialectAnnotations"/>.
/// </summary>
/// <remarks>
/// Obtain instances from the registered <see cref="IDbContextFactory{TContext}"/>; they are meant
/// for reads. Write through <c>IDatabaseWriter</c>, which serialises SQLite writes on one
/// connection and retries transient PostgreSQL failures.
/// </remarks>
public sealed class CompozyDbContext(DbContextOptions<CompozyDbContext> options) : DbContext(options)
{
    /// <summary>Workflow executions.</summary>
    public DbSet<WorkflowState> WorkflowStates => Set<WorkflowState>();

    /// <summary>Task executions.</summary>
    public DbSet<TaskState> TaskStates => Set<TaskState>();

    /// <summary>Users.</summary>
    public DbSet<User> Users => Set<User>();

    /// <summary>API keys.</summary>
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>LLM usage per execution component.</summary>
    public DbSet<ExecutionLlmUsage> ExecutionLlmUsage => Set<ExecutionLlmUsage>();

    /// <summary>Knowledge bases.</summary>
    public DbSet<KnowledgeBase> KnowledgeBases => Set<KnowledgeBase>();

    /// <summary>Documents of knowledge bases held in the database.</summary>
    public DbSet<KnowledgeDocument> KnowledgeDocuments => Set<KnowledgeDocument>();

    /// <summary>Chunks with embeddings of knowledge bases held in the database.</summary>
    public DbSet<KnowledgeChunk> KnowledgeChunks => Set<KnowledgeChunk>();

    /// <summary>The audit log of administrative actions; rows are only inserted.</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new WorkflowStateConfiguration());
        modelBuilder.ApplyConfiguration(new TaskStateConfiguration());
        modelBuilder.ApplyConfiguration(new UserConfiguration());
        modelBuilder.ApplyConfiguration(new ApiKeyConfiguration());
        modelBuilder.ApplyConfiguration(new ExecutionLlmUsageConfiguration());
        modelBuilder.ApplyConfiguration(new KnowledgeBaseConfiguration());
        modelBuilder.ApplyConfiguration(new KnowledgeDocumentConfiguration());
        modelBuilder.ApplyConfiguration(new KnowledgeChunkConfiguration());
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Conventions.Add(_ => new UtcDateTimeSentinelConvention());
    }
}
