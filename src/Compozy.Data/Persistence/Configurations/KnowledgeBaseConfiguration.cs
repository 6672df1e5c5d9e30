using Compozy.Data.Entities;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="KnowledgeBase"/> to <c>knowledge_bases</c>.</summary>
internal sealed class KnowledgeBaseConfiguration : IEntityTypeConfiguration<KnowledgeBase>
{
    public void Configure(EntityTypeBuilder<KnowledgeBase> builder)
    {
        builder.ToTable("knowledge_bases", table =>
        {
            table.HasCheckConstraint("ck_knowledge_bases_dimension", "\"dimension\" > 0");
            table.HasCheckConstraint("ck_knowledge_bases_metric", CheckConstraintSql.In("metric", StoredNames.All<VectorMetric>()));
        });

        builder.HasKey(knowledgeBase => knowledgeBase.Name).HasName("pk_knowledge_bases");

        builder.Property(knowledgeBase => knowledgeBase.Name).HasColumnName("name");
        builder.Property(knowledgeBase => knowledgeBase.VectorDbId).HasColumnName("vector_db_id");
        builder.Property(knowledgeBase => knowledgeBase.Dimension).HasColumnName("dimension");
        builder.Property(knowledgeBase => knowledgeBase.Metric).HasColumnName("metric")
            .HasConversion(new StoredNameConverter<VectorMetric>());
        builder.Property(knowledgeBase => knowledgeBase.Revision).HasColumnName("revision").HasStoreDefault(0L);
        builder.Property(knowledgeBase => knowledgeBase.CreatedAt).HasColumnName("created_at").DefaultsToCurrentTimestamp();
        builder.Property(knowledgeBase => knowledgeBase.UpdatedAt).HasColumnName("updated_at").DefaultsToCurrentTimestamp();

        builder.HasIndex(knowledgeBase => knowledgeBase.VectorDbId).HasDatabaseName("idx_knowledge_bases_vector_db_id");
    }
}
