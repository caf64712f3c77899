using System.Globalization;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Offers;

namespace BenefitProgram.Host.Portal.PartnerOps;

/// <summary>
/// The offer editor's fields. It covers the common content and the details of discount, coupon and cashback offers;
/// everything else an offer may carry (terms, images, limits, refund and service details) is kept as it is and can be
/// set through the CSV upload or the API.
/// </summary>
public sealed class OfferForm
{
    public string? Kind { get; set; }
    public string? Category { get; set; }
    public string? TitleDe { get; set; }
    public string? TitleEn { get; set; }
    public string? DescriptionDe { get; set; }
    public string? DescriptionEn { get; set; }
    public string? ValidFrom { get; set; }
    public string? ValidUntil { get; set; }
    public string? Plans { get; set; }
    public string? Regions { get; set; }
    public string? LandingUrl { get; set; }
    public string? DiscountPercent { get; set; }
    public string? GenericCode { get; set; }
    public string? CashbackPercent { get; set; }

    public static OfferForm From(OfferInput o) => new()
    {
        Kind = o.Kind.ToString(),
        Category = o.Category,
        TitleDe = o.Title.De,
        TitleEn = o.Title.En,
        DescriptionDe = o.Description.De,
        DescriptionEn = o.Description.En,
        ValidFrom = o.ValidFrom.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ValidUntil = o.ValidUntil?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Plans = string.Join(", ", o.EligiblePlans),
        Regions = o.EligibleRegions is null ? null : string.Join(", ", o.EligibleRegions),
        LandingUrl = o.LandingUrl,
        DiscountPercent = o.Discount?.PercentBasisPoints is { } d ? (d / 100m).ToString(CultureInfo.InvariantCulture) : null,
        GenericCode = o.Coupon?.GenericCode,
        CashbackPercent = o.Cashback?.RateBasisPoints is { } c ? (c / 100m).ToString(CultureInfo.InvariantCulture) : null,
    };

    /// <summary>The API's input, built on <paramref name="existing"/> (so fields this form does not show stay); or the field errors.</summary>
    public (OfferInput? Input, ApiProblem? Problem) ToInput(OfferInput? existing, DateTimeOffset today)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (!Enum.TryParse<OfferKind>(Kind, out var kind))
        {
            errors["kind"] = ["Choose the kind of offer."];
        }

        var from = Date(ValidFrom, "validFrom", errors) ?? today;
        var until = Date(ValidUntil, "validUntil", errors);
        var discount = Percent(DiscountPercent, "discount.percentBasisPoints", errors);
        var cashback = Percent(CashbackPercent, "cashback.rateBasisPoints", errors);
        if (errors.Count > 0)
        {
            return (null, new ApiProblem { Status = 400, Errors = errors });
        }

        var baseInput = existing ?? new OfferInput(kind, "", new LocalizedText("", ""), new LocalizedText("", ""), null, null, from, null, [], null,
            null, null, null, null, "EUR", null, null, null, null, null);
        var input = baseInput with
        {
            Kind = kind,
            Category = (Category ?? "").Trim(),
            Title = new LocalizedText((TitleDe ?? "").Trim(), (TitleEn ?? "").Trim()),
            Description = new LocalizedText((DescriptionDe ?? "").Trim(), (DescriptionEn ?? "").Trim()),
            ValidFrom = from,
            ValidUntil = until,
            EligiblePlans = List(Plans),
            EligibleRegions = List(Regions) is { Count: > 0 } regions ? regions : null,
            LandingUrl = string.IsNullOrWhiteSpace(LandingUrl) ? null : LandingUrl.Trim(),
            Discount = kind == OfferKind.Discount
                ? new DiscountDetails(discount, discount is null ? baseInput.Discount?.FixedMinorUnits : null)
                : null,
            Coupon = kind == OfferKind.Coupon ? new CouponDetails(string.IsNullOrWhiteSpace(GenericCode) ? null : GenericCode.Trim()) : null,
            Cashback = kind == OfferKind.Cashback
                ? (baseInput.Cashback ?? new CashbackDetails(null, null, 0, null, null, 30, null)) with { RateBasisPoints = cashback }
                : null,
            Refund = kind == OfferKind.Refund ? baseInput.Refund : null,
            Service = kind == OfferKind.Service ? baseInput.Service : null,
        };
        return (input, null);
    }

    private static List<string> List(string? text) =>
        (text ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static DateTimeOffset? Date(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        errors[field] = ["Enter a date like 2026-12-31."];
        return null;
    }

    private static int? Percent(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (decimal.TryParse(text.Trim().TrimEnd('%').Trim().Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p))
        {
            return (int)Math.Round(p * 100);
        }

        errors[field] = ["Enter a percentage like 10 or 7.5."];
        return null;
    }
}

public sealed class IdForm
{
    public Guid Id { get; set; }
}

public sealed class RejectForm
{
    public string? Comment { get; set; }
}

public sealed class TillForm
{
    public string? Pass { get; set; }
    public string? Amount { get; set; }
}

public sealed class UploadForm
{
    public bool DryRun { get; set; }
}

/// <summary>Small display helpers shared by the partner and operator pages.</summary>
public static class OfferDisplay
{
    public static MudBlazor.Color Colour(OfferStatus status) => status switch
    {
        OfferStatus.Live or OfferStatus.Approved => MudBlazor.Color.Success,
        OfferStatus.Submitted => MudBlazor.Color.Info,
        OfferStatus.Rejected => MudBlazor.Color.Error,
        OfferStatus.Paused => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Default,
    };

    public static string Title(OfferInput content, string language) => language == "de" ? content.Title.De : content.Title.En;

    public static string Date(DateTimeOffset? value) => value is { } v ? v.UtcDateTime.ToString("d", CultureInfo.CurrentCulture) : "–";
}

public sealed class ActionForm
{
    public string? Name { get; set; }
}
