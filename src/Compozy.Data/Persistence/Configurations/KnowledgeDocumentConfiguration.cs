using Compozy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="KnowledgeDocument"/> to <c>knowledge_documents</c>.</summary>
internal sealed class KnowledgeDocumentConfiguration : IEntityTypeConfiguration<KnowledgeDocument>
{
    public void Configure(EntityTypeBuilder<KnowledgeDocument> builder)
    {
        builder.ToTable("knowledge_documents");

        builder.HasKey(document => new { document.KnowledgeBaseName, document.Id }).HasName("pk_knowledge_documents");

        builder.Property(document => document.KnowledgeBaseName).HasColumnName("knowledge_base_name");
        builder.Property(document => document.Id).HasColumnName("id");
        builder.Property(document => document.CreatedAt).HasColumnName("created_at").DefaultsToCurrentTimestamp();
        builder.Property(document => document.UpdatedAt).HasColumnName("updated_at").DefaultsToCurrentTimestamp();

        builder.HasOne<KnowledgeBase>()
            .WithMany()
            .HasForeignKey(document => document.KnowledgeBaseName)
            .HasConstraintName("fk_knowledge_documents_knowledge_base_name")
            .OnDelete(DeleteBehavior.Cascade);
    }
}
