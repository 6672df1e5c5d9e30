using Compozy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="KnowledgeChunk"/> to <c>knowledge_chunks</c>.</summary>
internal sealed class KnowledgeChunkConfiguration : IEntityTypeConfiguration<KnowledgeChunk>
{
    public void Configure(EntityTypeBuilder<KnowledgeChunk> builder)
    {
        builder.ToTable("knowledge_chunks");

        builder.HasKey(chunk => new { chunk.KnowledgeBaseName, chunk.Id }).HasName("pk_knowledge_chunks");

        builder.Property(chunk => chunk.KnowledgeBaseName).HasColumnName("knowledge_base_name");
        builder.Property(chunk => chunk.Id).HasColumnName("id");
        builder.Property(chunk => chunk.DocumentId).HasColumnName("document_id");
        builder.Property(chunk => chunk.Text).HasColumnName("text");
        builder.Property(chunk => chunk.Metadata).HasColumnName("metadata").StoresJson(JsonShape.Mapping);
        builder.Property(chunk => chunk.Embedding).HasColumnName("embedding").StoresEmbedding();
        builder.Property(chunk => chunk.CreatedAt).HasColumnName("created_at").DefaultsToCurrentTimestamp();
        builder.Property(chunk => chunk.UpdatedAt).HasColumnName("updated_at").DefaultsToCurrentTimestamp();

        builder.HasOne<KnowledgeDocument>()
            .WithMany()
            .HasForeignKey(chunk => new { chunk.KnowledgeBaseName, chunk.DocumentId })
            .HasConstraintName("fk_knowledge_chunks_document")
            .OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(chunk => new { chunk.KnowledgeBaseName, chunk.DocumentId }).HasDatabaseName("idx_knowledge_chunks_document");
    }
}
