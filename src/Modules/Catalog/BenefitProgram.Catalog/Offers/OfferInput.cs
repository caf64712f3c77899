using System.Text.RegularExpressions;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Common;
using BenefitProgram.Common.Http;
using FluentValidation;

namespace BenefitProgram.Catalog.Offers;

public sealed record LocalizedText(string De, string En);

/// <summary>How often one member may redeem: <c>Count</c> times per <c>Period</c> (Lifetime = ever; 1/Lifetime = once).</summary>
public sealed record MemberLimit(int Count, LimitPeriod Period);

public enum LimitPeriod
{
    Lifetime,
    Month,
    Year,
}

/// <summary>Discount at the till: a percentage (basis points, 1000 = 10 %) or a fixed amount.</summary>
public sealed record DiscountDetails(int? PercentBasisPoints, long? FixedMinorUnits);

/// <summary>Coupon: codes from the offer's pool (uploaded separately), or one generic code for everybody.</summary>
public sealed record CouponDetails(string? GenericCode);

public sealed record CashbackDetails(
    int? RateBasisPoints,
    long? FixedMinorUnits,
    long MinPurchaseMinorUnits,
    long? CapPerPurchaseMinorUnits,
    long? CapPerMemberPerYearMinorUnits,
    int ReturnWindowDays,
    Dictionary<string, int>? RateBasisPointsByPlan);

public sealed record RefundDetails(string RefundKind, long CapPerClaimMinorUnits, int ClaimsPerYear, bool ProofRequired);

public sealed record ServiceDetails(string ServiceKind);

/// <summary>
/// The content of an offer as a partner writes it (JSON or one CSV row). Exactly the details section of its kind is set.
/// Validity is UTC; <c>ValidUntil</c> is exclusive. Empty <c>EligibleRegions</c> means national.
/// </summary>
public sealed record OfferInput(
    OfferKind Kind,
    string Category,
    LocalizedText Title,
    LocalizedText Description,
    LocalizedText? Terms,
    List<string>? ImageUrls,
    DateTimeOffset ValidFrom,
    DateTimeOffset? ValidUntil,
    List<string> EligiblePlans,
    List<string>? EligibleRegions,
    MemberLimit? Limit,
    int? Stock,
    long? BudgetMinorUnits,
    string? LandingUrl,
    string? Currency,
    DiscountDetails? Discount,
    CouponDetails? Coupon,
    CashbackDetails? Cashback,
    RefundDetails? Refund,
    ServiceDetails? Service);

public static class OfferRules
{
    // Plain compiled regexes, not [GeneratedRegex]: the generator puts helper types into a namespace
    // (System.Text.RegularExpressions.Generated) that every module using it shares, which the module-boundary test reads
    // as one module depending on another's internals.
    private static readonly Regex PlanCodePattern = new("^[a-z0-9][a-z0-9-]{1,29}$", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private static readonly Regex PostalPrefixPattern = new("^[0-9]{1,5}$", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private static readonly Regex SlugPattern = new("^[a-z0-9][a-z0-9-]{1,39}$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static readonly string[] Categories = ["travel", "leisure", "gastronomy", "security", "mobility", "shopping", "insurance", "health", "culture"];

    public static Regex PlanCode() => PlanCodePattern;

    public static Regex PostalPrefix() => PostalPrefixPattern;

    public static Regex Slug() => SlugPattern;

    public static bool IsHttpsUrl(string? url) =>
        url is not null && url.Length <= 1000 && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    public static bool IsImageUrl(string? url) =>
        IsHttpsUrl(url) || (url is not null && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && url.Length <= 500);

    /// <summary>Text a person typed: no control characters (a NUL usually means a UTF-16 file read as something else).</summary>
    public static bool IsCleanText(string? text) =>
        text is null || !text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
}

internal sealed class LocalizedTextValidator : AbstractValidator<LocalizedText>
{
    public LocalizedTextValidator(int max)
    {
        RuleFor(t => t.De).NotEmpty().MaximumLength(max).Must(OfferRules.IsCleanText).WithMessage("Must not contain control characters.");
        RuleFor(t => t.En).NotEmpty().MaximumLength(max).Must(OfferRules.IsCleanText).WithMessage("Must not contain control characters.");
    }
}

internal sealed class OfferInputValidator : AbstractValidator<OfferInput>
{
    public OfferInputValidator()
    {
        RuleFor(o => o.Kind).IsInEnum();
        RuleFor(o => o.Category).Must(c => OfferRules.Categories.Contains(c))
            .WithMessage($"Must be one of: {string.Join(", ", OfferRules.Categories)}.");
        RuleFor(o => o.Title).NotNull().SetValidator(new LocalizedTextValidator(120));
        RuleFor(o => o.Description).NotNull().SetValidator(new LocalizedTextValidator(4000));
        RuleFor(o => o.Terms!).SetValidator(new LocalizedTextValidator(4000)).When(o => o.Terms is not null);
        RuleFor(o => o.ImageUrls).Must(l => l is null || l.Count <= 10).WithMessage("At most 10 images.");
        RuleForEach(o => o.ImageUrls).Must(OfferRules.IsImageUrl).WithMessage("An image must be an https URL or a path on this site.");
        RuleFor(o => o.ValidUntil).Must((o, until) => until is null || until > o.ValidFrom).WithMessage("Must be after validFrom.");
        RuleFor(o => o.EligiblePlans).NotEmpty().WithMessage("Name at least one plan (e.g. plus).");
        RuleForEach(o => o.EligiblePlans).Must(p => OfferRules.PlanCode().IsMatch(p)).WithMessage("A plan code is lower-case, like 'plus'.");
        RuleFor(o => o.EligibleRegions).Must(l => l is null || l.Count <= 200).WithMessage("At most 200 postal-code areas.");
        RuleForEach(o => o.EligibleRegions).Must(p => OfferRules.PostalPrefix().IsMatch(p)).WithMessage("A region is a postal-code prefix of 1 to 5 digits, like '80'.");
        RuleFor(o => o.Limit!.Count).InclusiveBetween(1, 1000).When(o => o.Limit is not null).OverridePropertyName("limit.count");
        RuleFor(o => o.Limit!.Period).IsInEnum().When(o => o.Limit is not null).OverridePropertyName("limit.period");
        RuleFor(o => o.Stock).InclusiveBetween(1, 100_000_000).When(o => o.Stock is not null);
        RuleFor(o => o.BudgetMinorUnits).GreaterThan(0).When(o => o.BudgetMinorUnits is not null);
        RuleFor(o => o.LandingUrl).Must(OfferRules.IsHttpsUrl).When(o => o.LandingUrl is not null).WithMessage("Must be an https URL.");
        RuleFor(o => o.LandingUrl).NotEmpty().When(o => o.Kind == OfferKind.Cashback).WithMessage("A cashback offer needs the landing URL members click out to.");
        RuleFor(o => o.Currency).Must(Money.IsCurrencyCode).When(o => o.Currency is not null).WithMessage("An ISO currency code like EUR.");

        // Exactly the details of the offer's kind.
        RuleFor(o => o.Discount).NotNull().When(o => o.Kind == OfferKind.Discount).WithMessage("A discount offer needs 'discount'.");
        RuleFor(o => o.Cashback).NotNull().When(o => o.Kind == OfferKind.Cashback).WithMessage("A cashback offer needs 'cashback'.");
        RuleFor(o => o.Refund).NotNull().When(o => o.Kind == OfferKind.Refund).WithMessage("A refund offer needs 'refund'.");
        RuleFor(o => o.Service).NotNull().When(o => o.Kind == OfferKind.Service).WithMessage("A service offer needs 'service'.");
        RuleFor(o => o.Discount).Null().When(o => o.Kind != OfferKind.Discount).WithMessage("Only a discount offer has 'discount'.");
        RuleFor(o => o.Coupon).Null().When(o => o.Kind != OfferKind.Coupon).WithMessage("Only a coupon offer has 'coupon'.");
        RuleFor(o => o.Cashback).Null().When(o => o.Kind != OfferKind.Cashback).WithMessage("Only a cashback offer has 'cashback'.");
        RuleFor(o => o.Refund).Null().When(o => o.Kind != OfferKind.Refund).WithMessage("Only a refund offer has 'refund'.");
        RuleFor(o => o.Service).Null().When(o => o.Kind != OfferKind.Service).WithMessage("Only a service offer has 'service'.");

        When(o => o.Discount is not null, () =>
        {
            RuleFor(o => o.Discount!).Must(d => d.PercentBasisPoints is null != d.FixedMinorUnits is null)
                .WithMessage("Give either percentBasisPoints or fixedMinorUnits.").OverridePropertyName("discount");
            RuleFor(o => o.Discount!.PercentBasisPoints).InclusiveBetween(1, 10_000).When(o => o.Discount!.PercentBasisPoints is not null)
                .OverridePropertyName("discount.percentBasisPoints");
            RuleFor(o => o.Discount!.FixedMinorUnits).GreaterThan(0).When(o => o.Discount!.FixedMinorUnits is not null)
                .OverridePropertyName("discount.fixedMinorUnits");
        });
        When(o => o.Coupon?.GenericCode is not null, () =>
            RuleFor(o => o.Coupon!.GenericCode).Must(c => CouponCodeRules.Check(c!) is null)
                .WithMessage((_, c) => CouponCodeRules.Check(c!)).OverridePropertyName("coupon.genericCode"));
        When(o => o.Cashback is not null, () =>
        {
            RuleFor(o => o.Cashback!).Must(c => c.RateBasisPoints is null != c.FixedMinorUnits is null)
                .WithMessage("Give either rateBasisPoints or fixedMinorUnits.").OverridePropertyName("cashback");
            RuleFor(o => o.Cashback!.RateBasisPoints).InclusiveBetween(1, 10_000).When(o => o.Cashback!.RateBasisPoints is not null)
                .OverridePropertyName("cashback.rateBasisPoints");
            RuleFor(o => o.Cashback!.FixedMinorUnits).GreaterThan(0).When(o => o.Cashback!.FixedMinorUnits is not null)
                .OverridePropertyName("cashback.fixedMinorUnits");
            RuleFor(o => o.Cashback!.MinPurchaseMinorUnits).GreaterThanOrEqualTo(0).OverridePropertyName("cashback.minPurchaseMinorUnits");
            RuleFor(o => o.Cashback!.CapPerPurchaseMinorUnits).GreaterThan(0).When(o => o.Cashback!.CapPerPurchaseMinorUnits is not null)
                .OverridePropertyName("cashback.capPerPurchaseMinorUnits");
            RuleFor(o => o.Cashback!.CapPerMemberPerYearMinorUnits).GreaterThan(0).When(o => o.Cashback!.CapPerMemberPerYearMinorUnits is not null)
                .OverridePropertyName("cashback.capPerMemberPerYearMinorUnits");
            RuleFor(o => o.Cashback!.ReturnWindowDays).InclusiveBetween(0, 365).OverridePropertyName("cashback.returnWindowDays");
            RuleFor(o => o.Cashback!.RateBasisPointsByPlan).Must(d => d is null || d.All(kv => OfferRules.PlanCode().IsMatch(kv.Key) && kv.Value is >= 1 and <= 10_000))
                .WithMessage("Plan rates are plan code → 1..10000 basis points.").OverridePropertyName("cashback.rateBasisPointsByPlan");
        });
        When(o => o.Refund is not null, () =>
        {
            RuleFor(o => o.Refund!.RefundKind).Must(k => k is not null && OfferRules.Slug().IsMatch(k))
                .WithMessage("A refund kind is lower-case, like 'airport-taxi'.").OverridePropertyName("refund.refundKind");
            RuleFor(o => o.Refund!.CapPerClaimMinorUnits).GreaterThan(0).OverridePropertyName("refund.capPerClaimMinorUnits");
            RuleFor(o => o.Refund!.ClaimsPerYear).InclusiveBetween(1, 365).OverridePropertyName("refund.claimsPerYear");
        });
        When(o => o.Service is not null, () =>
            RuleFor(o => o.Service!.ServiceKind).Must(k => k is not null && OfferRules.Slug().IsMatch(k))
                .WithMessage("A service kind is lower-case, like 'key-finder'.").OverridePropertyName("service.serviceKind"));
    }
}

public static class CouponCodeRules
{
    public const int MaxLength = 64;

    /// <summary>Null when the code is acceptable, else why not.</summary>
    public static string? Check(string code)
    {
        if (code.Length == 0)
        {
            return "The code is empty.";
        }

        if (code.Length > MaxLength)
        {
            return $"The code is longer than {MaxLength} characters.";
        }

        if (CsvText.LooksLikeFormula(code))
        {
            return "The code starts with a spreadsheet formula character (= + - @).";
        }

        foreach (var c in code)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return "The code contains spaces or control characters (is the file UTF-16? Save it as UTF-8 or Windows-1252).";
            }
        }

        return null;
    }
}
