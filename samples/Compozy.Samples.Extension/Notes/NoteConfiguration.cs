using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Samples.Extension.Notes;

/// <summary>The table of <see cref="Note"/>, written once for both databases, as Compozy writes its own.</summary>
public sealed class NoteConfiguration : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> builder)
    {
        builder.ToTable("workflow_notes");
        builder.HasKey(note => note.Id).HasName("pk_workflow_notes");
        builder.Property(note => note.Id).HasColumnName("id");
        builder.Property(note => note.WorkflowExecId).HasColumnName("workflow_exec_id").IsRequired();
        builder.Property(note => note.Text).HasColumnName("text").IsRequired();
        builder.Property(note => note.CreatedAt).HasColumnName("created_at");
        builder.HasIndex(note => note.WorkflowExecId).HasDatabaseName("idx_workflow_notes_workflow_exec_id");
    }
}
