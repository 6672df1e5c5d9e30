using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence.Configurations;

/// <summary>Maps <see cref="User"/> to <c>users</c>.</summary>
internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users", table => table.HasCheckConstraint(
            "ck_users_role",
            CheckConstraintSql.In("role", StoredNames.All<UserRole>())));

        builder.HasKey(user => user.Id).HasName("pk_users");

        builder.Property(user => user.Id).HasColumnName("id");
        builder.Property(user => user.Email).HasColumnName("email").IsCaseInsensitive();
        builder.Property(user => user.Role).HasColumnName("role")
            .HasConversion(new StoredNameConverter<UserRole>());
        builder.Property(user => user.CreatedAt).HasColumnName("created_at").DefaultsToCurrentTimestamp();
        builder.Property(user => user.UpdatedAt).HasColumnName("updated_at").DefaultsToCurrentTimestamp();

        builder.HasIndex(user => user.Email).IsUnique().HasDatabaseName("idx_users_email_ci");
        builder.HasIndex(user => user.Role).HasDatabaseName("idx_users_role");
    }
}
