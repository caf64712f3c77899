using BenefitProgram.Platform.Accounts;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Persistence;

/// <summary>
/// ASP.NET Core Identity's tables and the shared data-protection key ring (so every web node can read every cookie and
/// bearer token), in the schema "identity". Kept apart from <see cref="PlatformDbContext"/> because Identity needs its own
/// DbContext base class; it publishes no events, so it needs no outbox.
/// </summary>
internal sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options)
    : IdentityUserContext<PlatformUser, Guid>(options), IDataProtectionKeyContext
{
    public const string SchemaName = "identity";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(SchemaName);
        base.OnModelCreating(builder);
        builder.Entity<PlatformUser>(e =>
        {
            e.Property(u => u.Role).HasMaxLength(20);
            e.Property(u => u.PartnerRole).HasMaxLength(20);
            e.HasIndex(u => u.MemberId).IsUnique().HasFilter("member_id IS NOT NULL");
            e.HasIndex(u => u.PartnerId);
        });
    }
}
