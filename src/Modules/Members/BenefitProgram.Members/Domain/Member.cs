using BenefitProgram.Common.Tenancy;
using BenefitProgram.Members.Contracts;

namespace BenefitProgram.Members.Domain;

/// <summary>A person in a program. Personal data can be erased (GDPR); the row stays as the surrogate that money rows point to.</summary>
internal sealed class Member : IProgramScoped
{
    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    /// <summary>Our member number ("M00001234"), assigned by a database sequence.</summary>
    public string MemberNumber { get; private set; } = null!;
    /// <summary>The customer number at the co-branding company (the bank).</summary>
    public string? ExternalCustomerNumber { get; private set; }
    public string? FirstName { get; private set; }
    public string? LastName { get; private set; }
    public string? Email { get; private set; }
    public string? Street { get; private set; }
    public string? PostalCode { get; private set; }
    public string? City { get; private set; }
    public string Country { get; private set; } = "DE";
    public string Language { get; private set; } = "de";
    public bool ConsentMarketing { get; private set; }
    public bool ConsentDataSharing { get; private set; }
    public DateTimeOffset? ConsentsChangedAt { get; private set; }
    public SignUpChannel Channel { get; private set; }
    public DateTimeOffset SignedUpAt { get; private set; }
    public string? StripeCustomerId { get; private set; }
    public DateTimeOffset? ErasedAt { get; private set; }

    public bool IsErased => ErasedAt is not null;

    public static Member Create(Guid id, Guid programId, string firstName, string lastName, string email, string? street, string? postalCode,
        string? city, string? country, string language, string? externalCustomerNumber, bool consentMarketing, bool consentDataSharing,
        SignUpChannel channel, DateTimeOffset now) => new()
        {
            Id = id,
            ProgramId = programId,
            FirstName = firstName,
            LastName = lastName,
            Email = email,
            Street = street,
            PostalCode = postalCode,
            City = city,
            Country = country ?? "DE",
            Language = language,
            ExternalCustomerNumber = externalCustomerNumber,
            ConsentMarketing = consentMarketing,
            ConsentDataSharing = consentDataSharing,
            ConsentsChangedAt = now,
            Channel = channel,
            SignedUpAt = now,
        };

    /// <summary>The member no longer wants marketing mail (e.g. the unsubscribe link). False when nothing changed.</summary>
    public bool WithdrawMarketingConsent(DateTimeOffset now)
    {
        if (!ConsentMarketing)
        {
            return false;
        }

        ConsentMarketing = false;
        ConsentsChangedAt = now;
        return true;
    }

    public void LinkStripeCustomer(string customerId) => StripeCustomerId = customerId;

    /// <summary>Removes every personal datum; keeps id, program, member number and sign-up date (no person behind them any more).</summary>
    public void Erase(DateTimeOffset now)
    {
        FirstName = null;
        LastName = null;
        Email = null;
        Street = null;
        PostalCode = null;
        City = null;
        ExternalCustomerNumber = null;
        ConsentMarketing = false;
        ConsentDataSharing = false;
        ConsentsChangedAt = now;
        ErasedAt = now;
    }
}
