using System.Text.Json;
using BenefitProgram.Common.Persistence;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Members.Persistence;

internal sealed class MembersDbContext(DbContextOptions<MembersDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "members";

    public override string Schema => SchemaName;

    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<MembershipTransition> Transitions => Set<MembershipTransition>();
    public DbSet<Fee> Fees => Set<Fee>();
    public DbSet<ProcessedStripeEvent> StripeEvents => Set<ProcessedStripeEvent>();
    public DbSet<OperatorAuditEntry> AuditLog => Set<OperatorAuditEntry>();

    /// <summary>Writes the transitions and events the memberships collected, with them, in one transaction.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries<Membership>().ToList())
        {
            var membership = entry.Entity;
            Transitions.AddRange(membership.NewTransitions);
            foreach (var e in membership.NewEvents)
            {
                Publish(e, OccurredAt(e));
            }

            membership.NewTransitions.Clear();
            membership.NewEvents.Clear();
        }

        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private static DateTimeOffset OccurredAt(object e) =>
        (DateTimeOffset)e.GetType().GetProperty("OccurredAt")!.GetValue(e)!;

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
        var json = JsonSerializerOptions.Web;
        modelBuilder.HasSequence<long>("member_numbers").StartsAt(100_001);

        modelBuilder.Entity<Plan>(e =>
        {
            e.ToTable("plans");
            e.HasKey(p => p.Id);
            e.Property(p => p.Code).HasMaxLength(40);
            e.Property(p => p.Name).HasMaxLength(120);
            e.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(p => p.Interval).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.StripePriceId).HasMaxLength(100);
            e.Property(p => p.OfferCategories).HasColumnType("text[]");
            e.Property(p => p.BenefitKinds).HasColumnType("text[]");
            e.Property(p => p.RefundCaps).HasColumnType("jsonb").HasConversion(
                v => JsonSerializer.Serialize(v, json),
                v => JsonSerializer.Deserialize<List<RefundCap>>(v, json) ?? new List<RefundCap>(),
                new ValueComparer<List<RefundCap>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
            e.HasIndex(p => new { p.ProgramId, p.Code, p.Version }).IsUnique();
            e.HasIndex(p => new { p.ProgramId, p.Code }).IsUnique().HasFilter("is_current").HasDatabaseName("ux_plans_current_code");
            e.ToTable(t => t.HasCheckConstraint("ck_plans_price_not_negative", "price_minor_units >= 0"));
        });

        modelBuilder.Entity<Member>(e =>
        {
            e.ToTable("members");
            e.HasKey(m => m.Id);
            e.Property(m => m.MemberNumber).HasMaxLength(20)
                .HasDefaultValueSql("'M' || lpad(nextval('members.member_numbers')::text, 8, '0')");
            e.Property(m => m.ExternalCustomerNumber).HasMaxLength(40);
            e.Property(m => m.FirstName).HasMaxLength(100);
            e.Property(m => m.LastName).HasMaxLength(100);
            e.Property(m => m.Email).HasMaxLength(254);
            e.Property(m => m.Street).HasMaxLength(200);
            e.Property(m => m.PostalCode).HasMaxLength(10);
            e.Property(m => m.City).HasMaxLength(100);
            e.Property(m => m.Country).HasMaxLength(2);
            e.Property(m => m.Language).HasMaxLength(5);
            e.Property(m => m.Channel).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.StripeCustomerId).HasMaxLength(100);
            e.HasIndex(m => new { m.ProgramId, m.MemberNumber }).IsUnique();
            e.HasIndex(m => new { m.ProgramId, m.ExternalCustomerNumber }).IsUnique().HasFilter("external_customer_number IS NOT NULL");
            e.HasIndex(m => new { m.ProgramId, m.Email }).IsUnique().HasFilter("email IS NOT NULL");
            e.HasIndex(m => new { m.ProgramId, m.LastName });
        });

        modelBuilder.Entity<Membership>(e =>
        {
            e.ToTable("memberships");
            e.HasKey(m => m.Id);
            e.Ignore(m => m.NewTransitions);
            e.Ignore(m => m.NewEvents);
            e.Ignore(m => m.NeedsChargeToReactivate);
            e.HasOne<Member>().WithOne().HasForeignKey<Membership>(m => m.MemberId);
            e.HasOne(m => m.Plan).WithMany().HasForeignKey(m => m.PlanId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Plan>().WithMany().HasForeignKey(m => m.ScheduledPlanId).OnDelete(DeleteBehavior.Restrict);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(30);
            e.Property(m => m.EndKind).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.CancellationReasonCode).HasMaxLength(40);
            e.Property(m => m.CancellationReasonText).HasMaxLength(1000);
            e.Property(m => m.BillingProvider).HasMaxLength(20);
            e.Property(m => m.ExternalSubscriptionId).HasMaxLength(100);
            e.Property(m => m.RowVersion).IsRowVersion();
            e.HasIndex(m => m.ExternalSubscriptionId).IsUnique().HasFilter("external_subscription_id IS NOT NULL");
            e.HasIndex(m => new { m.Status, m.CurrentPeriodEnd });
            e.HasIndex(m => new { m.ProgramId, m.Status });
        });

        modelBuilder.Entity<MembershipTransition>(e =>
        {
            e.ToTable("membership_transitions");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).UseIdentityAlwaysColumn();
            e.Property(t => t.FromStatus).HasConversion<string>().HasMaxLength(30);
            e.Property(t => t.ToStatus).HasConversion<string>().HasMaxLength(30);
            e.Property(t => t.PlanCode).HasMaxLength(40);
            e.Property(t => t.Actor).HasMaxLength(100);
            e.Property(t => t.ReasonCode).HasMaxLength(40);
            e.HasIndex(t => new { t.MembershipId, t.At });
            e.HasIndex(t => new { t.ProgramId, t.At });
        });

        modelBuilder.Entity<Fee>(e =>
        {
            e.ToTable("fees");
            e.HasKey(f => f.Id);
            e.Property(f => f.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(f => f.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(f => f.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(f => f.Provider).HasMaxLength(20);
            e.Property(f => f.ProviderReference).HasMaxLength(100);
            e.Property(f => f.FailureReason).HasMaxLength(300);
            e.HasIndex(f => new { f.Provider, f.ProviderReference }).IsUnique();
            e.HasIndex(f => new { f.MemberId, f.PeriodStart });
            // A membership's latest failed fee (the dunning retry, the portal's "pay now"): without it each lookup scanned
            // every fee (0.7 s per past-due membership at 1M members, bench/README.md).
            e.HasIndex(f => new { f.MembershipId, f.Status, f.PeriodStart });
            e.HasIndex(f => new { f.ProgramId, f.CreatedAt });
            e.ToTable(t => t.HasCheckConstraint("ck_fees_amount_not_negative", "amount_minor_units >= 0"));
        });

        modelBuilder.Entity<ProcessedStripeEvent>(e =>
        {
            e.ToTable("stripe_events");
            e.HasKey(s => s.EventId);
            e.Property(s => s.EventId).HasMaxLength(100);
            e.Property(s => s.Type).HasMaxLength(100);
            e.Property(s => s.ObjectId).HasMaxLength(100);
            e.Property(s => s.Outcome).HasMaxLength(200);
        });

        modelBuilder.Entity<OperatorAuditEntry>(e =>
        {
            e.ToTable("operator_audit_log");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).UseIdentityAlwaysColumn();
            e.Property(a => a.Actor).HasMaxLength(100);
            e.Property(a => a.Action).HasMaxLength(60);
            e.Property(a => a.Detail).HasMaxLength(4000);
            e.HasIndex(a => new { a.ProgramId, a.MemberId, a.At });
        });
    }
}

// Used only by `dotnet ef migrations add`.
internal sealed class MembersDesignTimeFactory : IDesignTimeDbContextFactory<MembersDbContext>
{
    public MembersDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<MembersDbContext>(MembersDbContext.SchemaName));
}
