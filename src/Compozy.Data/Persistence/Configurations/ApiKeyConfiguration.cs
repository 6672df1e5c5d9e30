using Compozy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="ApiKey"/> to <c>api_keys</c>.</summary>
internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");

        builder.HasKey(key => key.Id).HasName("pk_api_keys");

        builder.Property(key => key.Id).HasColumnName("id");
        builder.Property(key => key.UserId).HasColumnName("user_id");
        builder.Property(key => key.Hash).HasColumnName("hash");
        builder.Property(key => key.Prefix).HasColumnName("prefix");
        builder.Property(key => key.Fingerprint).HasColumnName("fingerprint");
        builder.Property(key => key.CreatedAt).HasColumnName("created_at").DefaultsToCurrentTimestamp();
        builder.Property(key => key.LastUsed).HasColumnName("last_used");

        builder.HasOne(key => key.User)
            .WithMany(user => user.ApiKeys)
            .HasForeignKey(key => key.UserId)
            .HasConstraintName("fk_api_keys_user_id")
            .OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(key => key.Prefix).IsUnique().HasDatabaseName("idx_api_keys_prefix");
        builder.HasIndex(key => key.Fingerprint).IsUnique().HasDatabaseName("idx_api_keys_fingerprint");
        builder.HasIndex(key => key.UserId).HasDatabaseName("idx_api_keys_user_id");
        builder.HasIndex(key => key.CreatedAt).HasDatabaseName("idx_api_keys_created_at");
    }
}
