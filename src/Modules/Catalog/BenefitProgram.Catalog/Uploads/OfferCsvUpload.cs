using System.Globalization;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Domain;
using BenefitProgram.Catalog.Offers;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using CsvHelper;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Catalog.Uploads;

public sealed record OfferUploadReport(bool DryRun, bool Applied, int Rows, IReadOnlyList<Guid> CreatedOfferIds, IReadOnlyList<RowError> Errors);

/// <summary>
/// Partners upload offers as CSV (one draft offer per row; ';', ',' or tab separated; UTF-8 with or without BOM or
/// Windows-1252). Every row is checked with the same rules as the JSON API; any error refuses the whole file (422 with a
/// row-by-row report) so nothing is half-applied. <c>?dryRun=true</c> only checks.
/// </summary>
internal static class OfferCsvUpload
{
    public const long MaxBytes = 5L * 1024 * 1024;
    public const int MaxRows = 5000;

    public static readonly string[] Columns =
    [
        "kind", "category", "title_de", "title_en", "description_de", "description_en", "terms_de", "terms_en", "image_urls",
        "valid_from", "valid_until", "plans", "regions", "limit", "stock", "budget", "landing_url", "currency",
        "discount_percent", "discount_amount", "generic_code", "cashback_percent", "cashback_amount", "min_purchase",
        "cap_per_purchase", "cap_per_year", "return_window_days", "plan_rates", "refund_kind", "refund_cap",
        "refund_claims_per_year", "proof_required", "service_kind",
    ];

    private static readonly string[] Required = ["kind", "category", "title_de", "title_en", "description_de", "description_en", "valid_from", "plans"];

    public static void MapOfferUpload(this IEndpointRouteBuilder api)
    {
        api.MapPost("/partner/programs/{programId:guid}/offers/upload", async Task<Results<Ok<OfferUploadReport>, Created<OfferUploadReport>, UnprocessableEntity<OfferUploadReport>, ProblemHttpResult>> (
            Guid programId, bool? dryRun, HttpRequest request, CurrentActor actor, CatalogDbContext db, IValidator<OfferInput> validator, TimeProvider clock, CancellationToken ct) =>
        {
            var partnerId = actor.RequirePartner();
            var company = await db.Partners.AsNoTracking().Include(p => p.Programs).SingleOrDefaultAsync(p => p.Id == partnerId, ct);
            if (company is null || !company.TakesPartIn(programId))
            {
                return Problems.NotFound("The program");
            }

            var (bytes, tooLarge) = await UploadBody.ReadAsync(request, MaxBytes, ct);
            if (tooLarge is not null)
            {
                return tooLarge;
            }

            var (inputs, errors) = await ParseAsync(UploadBody.Decode(bytes!, request.ContentType), validator, ct);
            var dry = dryRun ?? false;
            if (errors.Count > 0 || dry)
            {
                var report = new OfferUploadReport(dry, false, inputs.Count, [], errors);
                return errors.Count > 0 && !dry ? TypedResults.UnprocessableEntity(report) : TypedResults.Ok(report);
            }

            var now = clock.GetUtcNow();
            var offers = inputs.Select(i => Offer.CreateDraft(Guid.CreateVersion7(now), partnerId, company.Name, programId, i.Input, actor.AuditName + " (csv)", now)).ToList();
            db.Offers.AddRange(offers);
            await db.SaveChangesAsync(ct); // one transaction: all rows or none
            return TypedResults.Created("/api/v1/partner/offers", new OfferUploadReport(false, true, inputs.Count, offers.Select(o => o.Id).ToList(), []));
        }).Accepts<string>("text/csv")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBytes + 1024))
            .RequireAuthorization(Policies.Partner).WithTags("Partner: offers")
            .WithSummary("Uploads offers as CSV (drafts); all rows or none, with a row-by-row report. ?dryRun=true only checks.");
    }

    public static async Task<(List<(int Line, OfferInput Input)> Inputs, List<RowError> Errors)> ParseAsync(string text, IValidator<OfferInput> validator, CancellationToken ct)
    {
        var errors = new List<RowError>();
        var inputs = new List<(int, OfferInput)>();
        var badLines = new HashSet<int>();
        var options = CsvReaderOptions.Default with
        {
            HasHeader = true,
            TrackLineNumbers = true,
            OnMalformedRecord = bad =>
            {
                var line = (int)bad.LineNumber;
                if (bad.Reason != CsvMalformedReason.FieldCountMismatch && badLines.Add(line))
                {
                    errors.Add(new RowError(line, "", $"Broken CSV quoting ({bad.Reason}): a quote inside an unquoted cell, or an unclosed quote."));
                }
            },
        };
        using var csv = CsvReader.FromText(text, options);
        var hasRows = await csv.ReadAsync(ct);
        if (csv.Headers is not { Count: > 0 } header)
        {
            errors.Add(new RowError(1, "", "The file is empty; the first line must name the columns."));
            return (inputs, errors);
        }

        var names = header.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        foreach (var unknown in names.Where(n => !Columns.Contains(n)))
        {
            errors.Add(new RowError(1, unknown, $"Unknown column '{unknown}'. Known columns: {string.Join(", ", Columns)}."));
        }

        foreach (var missing in Required.Where(r => !names.Contains(r)))
        {
            errors.Add(new RowError(1, missing, $"The required column '{missing}' is missing."));
        }

        if (errors.Count > 0)
        {
            return (inputs, errors);
        }

        var rows = 0;
        for (var more = hasRows; more; more = await csv.ReadAsync(ct))
        {
            var line = (int)csv.LineNumber;
            if (++rows > MaxRows)
            {
                errors.Add(new RowError(line, "", $"More than {MaxRows} rows; split the file."));
                break;
            }

            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                cells[names[i]] = (i < csv.FieldCount ? csv.GetString(i) : "").Trim();
            }

            if (cells.Values.All(v => v.Length == 0))
            {
                continue;
            }

            if (csv.FieldCount != names.Length)
            {
                errors.Add(new RowError(line, "", $"This line has {csv.FieldCount} cells but the header has {names.Length}."));
                continue;
            }

            var row = new Row(line, cells, errors);
            var input = row.ToInput();
            if (!row.Ok || input is null)
            {
                continue;
            }

            var result = await validator.ValidateAsync(input, ct);
            foreach (var failure in result.Errors)
            {
                errors.Add(new RowError(line, ColumnFor(failure.PropertyName), failure.ErrorMessage));
            }

            if (result.IsValid && !badLines.Contains(line))
            {
                inputs.Add((line, input));
            }
        }

        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        return (inputs, errors);
    }

    /// <summary>The CSV column a validation message is about.</summary>
    private static string ColumnFor(string property)
    {
        var p = property.ToLowerInvariant();
        var bracket = p.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0)
        {
            p = p[..bracket];
        }

        return p switch
        {
            "title.de" => "title_de",
            "title.en" => "title_en",
            "description.de" => "description_de",
            "description.en" => "description_en",
            "terms.de" => "terms_de",
            "terms.en" => "terms_en",
            "imageurls" => "image_urls",
            "validfrom" => "valid_from",
            "validuntil" => "valid_until",
            "eligibleplans" => "plans",
            "eligibleregions" => "regions",
            "budgetminorunits" => "budget",
            "landingurl" => "landing_url",
            "discount" or "discount.percentbasispoints" => "discount_percent",
            "discount.fixedminorunits" => "discount_amount",
            "coupon" or "coupon.genericcode" => "generic_code",
            "cashback" or "cashback.ratebasispoints" => "cashback_percent",
            "cashback.fixedminorunits" => "cashback_amount",
            "cashback.minpurchaseminorunits" => "min_purchase",
            "cashback.cappurchaseminorunits" or "cashback.capperpurchaseminorunits" => "cap_per_purchase",
            "cashback.capperpermemberperyearminorunits" or "cashback.capppermemberperyearminorunits" or "cashback.cappermemberperyearminorunits" => "cap_per_year",
            "cashback.returnwindowdays" => "return_window_days",
            "cashback.ratebasispointsbyplan" => "plan_rates",
            "refund" or "refund.refundkind" => "refund_kind",
            "refund.capperclaimminorunits" => "refund_cap",
            "refund.claimsperyear" => "refund_claims_per_year",
            "service" or "service.servicekind" => "service_kind",
            _ when p.StartsWith("limit", StringComparison.Ordinal) => "limit",
            _ => p,
        };
    }

    /// <summary>One CSV row: reads typed cells, collecting an error per unreadable cell.</summary>
    private sealed class Row(int line, Dictionary<string, string> cells, List<RowError> errors)
    {
        public bool Ok { get; private set; } = true;

        private void Fail(string column, string message)
        {
            Ok = false;
            errors.Add(new RowError(line, column, message));
        }

        private string? Text(string column)
        {
            var value = cells.GetValueOrDefault(column, "");
            if (value.Length == 0)
            {
                return null;
            }

            if (CsvText.LooksLikeFormula(value) && !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            {
                Fail(column, "The cell starts with = + - or @ (a spreadsheet formula); such cells are refused.");
                return null;
            }

            return value;
        }

        private List<string> List(string column) =>
            Text(column) is { } v ? v.Split(['|', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() : [];

        private decimal? Number(string column)
        {
            if (Text(column) is not { } v)
            {
                return null;
            }

            // German Excel writes 12,50; others 12.50. A single separator is the decimal separator.
            var normalized = v.Replace("€", "", StringComparison.Ordinal).Replace("%", "", StringComparison.Ordinal).Trim().Replace(',', '.');
            if (decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d))
            {
                return d;
            }

            Fail(column, $"'{v}' is not a number.");
            return null;
        }

        /// <summary>An amount in the currency's units (12,50) → minor units (1250).</summary>
        private long? Amount(string column)
        {
            if (Number(column) is not { } d)
            {
                return null;
            }

            if (d * 100 != decimal.Truncate(d * 100))
            {
                Fail(column, "An amount has at most two decimals.");
                return null;
            }

            return (long)(d * 100);
        }

        /// <summary>A percentage (5 or 5,5) → basis points (500, 550).</summary>
        private int? Percent(string column)
        {
            if (Number(column) is not { } d)
            {
                return null;
            }

            if (d * 100 != decimal.Truncate(d * 100) || d > 100)
            {
                Fail(column, "A percentage is at most 100 with at most two decimals.");
                return null;
            }

            return (int)(d * 100);
        }

        private int? Int(string column)
        {
            if (Number(column) is not { } d)
            {
                return null;
            }

            if (d != decimal.Truncate(d) || d > int.MaxValue || d < int.MinValue)
            {
                Fail(column, "Must be a whole number.");
                return null;
            }

            return (int)d;
        }

        private DateTimeOffset? Date(string column)
        {
            if (Text(column) is not { } v)
            {
                return null;
            }

            if (DateTimeOffset.TryParseExact(v, ["yyyy-MM-dd", "dd.MM.yyyy", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            {
                return date;
            }

            Fail(column, $"'{v}' is not a date (use 2026-12-01 or 01.12.2026).");
            return null;
        }

        private bool? Bool(string column) => Text(column)?.ToLowerInvariant() switch
        {
            null => null,
            "yes" or "ja" or "true" or "1" or "x" => true,
            "no" or "nein" or "false" or "0" => false,
            var other => Fail2(column, $"'{other}' is not yes/no."),
        };

        private bool? Fail2(string column, string message)
        {
            Fail(column, message);
            return null;
        }

        private MemberLimit? Limit()
        {
            if (Text("limit") is not { } v)
            {
                return null;
            }

            var lower = v.ToLowerInvariant();
            if (lower is "once" or "einmal")
            {
                return new MemberLimit(1, LimitPeriod.Lifetime);
            }

            var slash = lower.IndexOf('/', StringComparison.Ordinal);
            var countText = slash < 0 ? lower : lower[..slash];
            var periodText = slash < 0 ? "total" : lower[(slash + 1)..].Trim();
            LimitPeriod? period = periodText switch
            {
                "total" or "lifetime" or "gesamt" => LimitPeriod.Lifetime,
                "month" or "monat" => LimitPeriod.Month,
                "year" or "jahr" => LimitPeriod.Year,
                _ => null,
            };
            if (!int.TryParse(countText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || period is null)
            {
                Fail("limit", $"'{v}' is not a limit; write once, 2/month, 3/year or 5/total.");
                return null;
            }

            return new MemberLimit(count, period.Value);
        }

        private Dictionary<string, int>? PlanRates()
        {
            var entries = List("plan_rates");
            if (entries.Count == 0)
            {
                return null;
            }

            var rates = new Dictionary<string, int>();
            foreach (var entry in entries)
            {
                var colon = entry.IndexOf(':', StringComparison.Ordinal);
                var rate = colon < 0 ? null : ParsePercent(entry[(colon + 1)..]);
                if (colon <= 0 || rate is null)
                {
                    Fail("plan_rates", $"'{entry}' is not plan:percent (e.g. premium:7).");
                    continue;
                }

                rates[entry[..colon].Trim().ToLowerInvariant()] = rate.Value;
            }

            return rates;
        }

        private static int? ParsePercent(string text) =>
            decimal.TryParse(text.Trim().Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && d * 100 == decimal.Truncate(d * 100)
                ? (int)(d * 100) : null;

        public OfferInput? ToInput()
        {
            var kindText = Text("kind");
            if (!Enum.TryParse<OfferKind>(kindText, ignoreCase: true, out var kind) || int.TryParse(kindText, out _))
            {
                Fail("kind", $"'{kindText}' is not a kind; use discount, coupon, cashback, refund or service.");
            }

            var validFrom = Date("valid_from");
            if (validFrom is null && Ok)
            {
                Fail("valid_from", "valid_from is required.");
            }

            var input = new OfferInput(
                kind,
                Text("category")?.ToLowerInvariant() ?? "",
                new LocalizedText(Text("title_de") ?? "", Text("title_en") ?? ""),
                new LocalizedText(Text("description_de") ?? "", Text("description_en") ?? ""),
                Text("terms_de") is null && Text("terms_en") is null ? null : new LocalizedText(Text("terms_de") ?? "", Text("terms_en") ?? ""),
                List("image_urls"),
                validFrom ?? default,
                Date("valid_until"),
                List("plans").Select(p => p.ToLowerInvariant()).ToList(),
                List("regions"),
                Limit(),
                Int("stock"),
                Amount("budget"),
                Text("landing_url"),
                Text("currency")?.ToUpperInvariant(),
                kind == OfferKind.Discount ? new DiscountDetails(Percent("discount_percent"), Amount("discount_amount")) : null,
                kind == OfferKind.Coupon ? new CouponDetails(Text("generic_code")) : null,
                kind == OfferKind.Cashback
                    ? new CashbackDetails(Percent("cashback_percent"), Amount("cashback_amount"), Amount("min_purchase") ?? 0, Amount("cap_per_purchase"),
                        Amount("cap_per_year"), Int("return_window_days") ?? 0, PlanRates())
                    : null,
                kind == OfferKind.Refund ? new RefundDetails(Text("refund_kind") ?? "", Amount("refund_cap") ?? 0, Int("refund_claims_per_year") ?? 0, Bool("proof_required") ?? true) : null,
                kind == OfferKind.Service ? new ServiceDetails(Text("service_kind") ?? "") : null);

            // Cells of another kind's details are a mistake worth telling about.
            foreach (var (column, owner) in new[]
            {
                ("discount_percent", OfferKind.Discount), ("discount_amount", OfferKind.Discount), ("generic_code", OfferKind.Coupon),
                ("cashback_percent", OfferKind.Cashback), ("cashback_amount", OfferKind.Cashback), ("refund_kind", OfferKind.Refund),
                ("refund_cap", OfferKind.Refund), ("service_kind", OfferKind.Service),
            })
            {
                if (Ok && kind != owner && cells.GetValueOrDefault(column, "").Length > 0)
                {
                    Fail(column, $"Only a {owner.ToString().ToLowerInvariant()} offer has {column}.");
                }
            }

            return Ok ? input : null;
        }
    }
}
