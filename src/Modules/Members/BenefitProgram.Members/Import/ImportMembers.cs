using System.Globalization;
using System.Text;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Members.Plans;
using BenefitProgram.Members.SignUp;
using BenefitProgram.Platform.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.Import;

public sealed record ImportRowResult(int Line, string Outcome, string? ExternalCustomerNumber, Guid? MemberId, string? MemberNumber, IReadOnlyDictionary<string, string[]> Errors);

public sealed record ImportReport(bool DryRun, string Encoding, int Rows, int Valid, int Invalid, int Imported, IReadOnlyList<ImportRowResult> RowResults);

/// <summary>
/// POST /api/v1/ops/members/import: existing customers of the co-branding company as CSV (';' or ',', header row,
/// UTF-8 with or without BOM, or Windows-1252 with ?encoding=windows-1252). Every row is checked; valid rows are imported
/// in one transaction, invalid ones reported with field-level errors. A file whose rows are all invalid applies nothing
/// (422); ?dryRun=true checks only.
/// </summary>
internal static class ImportMembers
{
    public const int MaxBytes = 10 * 1024 * 1024;
    private static readonly string[] Required = ["first_name", "last_name", "email", "plan"];
    private static readonly string[] Known = ["external_customer_number", "first_name", "last_name", "email", "street", "postal_code", "city", "language", "plan", "consent_marketing"];

    public static void MapImportMembers(this IEndpointRouteBuilder api) =>
        api.MapPost("/ops/members/import", HandleAsync).RequireAuthorization(Policies.Operator).WithTags("Members (operator)")
            .Accepts<string>("text/csv").Produces<ImportReport>().Produces<ImportReport>(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Bulk import of existing customers (CSV) with a row-by-row report.");

    private static async Task<IResult> HandleAsync(HttpRequest request, bool? dryRun, string? encoding, CurrentActor actor, MembersDbContext db,
        MembershipBilling billing, IProgramDirectory programs, TimeProvider clock, CancellationToken ct)
    {
        var program = await programs.FindByIdAsync(actor.RequireProgram(), ct);
        if (program is null)
        {
            return Problems.NotFound("Your program");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBytes)
        {
            return Problems.TooLarge("A member import may be at most 10 MB.");
        }

        var bytes = buffer.ToArray();
        var (text, encodingError, encodingName) = Decode(bytes, encoding);
        if (encodingError is not null)
        {
            return Problems.Validation(encodingError.Value.Field, encodingError.Value.Message);
        }

        var plans = await db.Plans.AsNoTracking().Where(p => p.ProgramId == program.Id && p.IsCurrent).ToDictionaryAsync(p => p.Code, ct);
        var rows = new List<(int Line, Dictionary<string, string?> Fields, Dictionary<string, string[]> Errors)>();
        var separator = CsvText.DetectSeparator(text!);
        var records = CsvText.Read(text!.TrimStart('\uFEFF'), separator).ToList();
        if (records.Count == 0)
        {
            return Problems.Validation("file", "The file is empty; the first line must be a header.");
        }

        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = Required.Where(r => !header.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            return Problems.Validation("header", $"Missing column(s): {string.Join(", ", missing)}. Known columns: {string.Join(", ", Known)}.");
        }

        foreach (var record in records.Skip(1))
        {
            var fields = Known.ToDictionary(k => k, k => header.IndexOf(k) is var ix and >= 0 && ix < record.Fields.Count ? Blank(record.Fields[ix]) : null);
            var errors = new Dictionary<string, string[]>();
            if (record.Problem is { } p)
            {
                errors["row"] = [p];
            }
            else if (record.Fields.Count != header.Count)
            {
                errors["row"] = [$"The row has {record.Fields.Count} fields; the header has {header.Count}."];
            }

            rows.Add((record.Line, fields, errors));
        }

        // Row checks, including duplicates inside the file and against existing members.
        var emails = rows.Select(r => r.Fields["email"]?.ToLowerInvariant()).OfType<string>().ToList();
        var externals = rows.Select(r => r.Fields["external_customer_number"]).OfType<string>().ToList();
        var takenEmails = (await db.Members.Where(m => m.ProgramId == program.Id && emails.Contains(m.Email!)).Select(m => m.Email!).ToListAsync(ct)).ToHashSet();
        var takenExternal = (await db.Members.Where(m => m.ProgramId == program.Id && externals.Contains(m.ExternalCustomerNumber!)).Select(m => m.ExternalCustomerNumber!).ToListAsync(ct)).ToHashSet();
        var seenEmails = new HashSet<string>();
        var seenExternal = new HashSet<string>();
        foreach (var (_, f, errors) in rows)
        {
            void Err(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];
            if (string.IsNullOrEmpty(f["first_name"])) { Err("first_name", "Required."); }
            if (string.IsNullOrEmpty(f["last_name"])) { Err("last_name", "Required."); }
            if ((f["first_name"]?.Length ?? 0) > 100 || (f["last_name"]?.Length ?? 0) > 100) { Err("name", "At most 100 characters."); }
            var email = f["email"]?.ToLowerInvariant();
            if (!MemberRules.IsEmail(email)) { Err("email", "Not a valid e-mail address."); }
            else if (takenEmails.Contains(email!)) { Err("email", "A member with this e-mail address already exists."); }
            else if (!seenEmails.Add(email!)) { Err("email", "The e-mail address appears twice in the file."); }
            if (f["postal_code"] is { } pc && !System.Text.RegularExpressions.Regex.IsMatch(pc, MemberRules.PostalCodePattern)) { Err("postal_code", "A postal code has 5 digits."); }
            if (f["language"] is { } lang && !MemberRules.Languages.Contains(lang)) { Err("language", "Language is de or en."); }
            if (f["plan"] is not { } plan || !plans.ContainsKey(plan)) { Err("plan", $"Unknown plan '{f["plan"]}'. Plans: {string.Join(", ", plans.Keys)}."); }
            if (f["external_customer_number"] is { } ext)
            {
                if (ext.Length > 40) { Err("external_customer_number", "At most 40 characters."); }
                else if (takenExternal.Contains(ext)) { Err("external_customer_number", "A member with this customer number already exists."); }
                else if (!seenExternal.Add(ext)) { Err("external_customer_number", "The customer number appears twice in the file."); }
            }

            if (f["consent_marketing"] is { } consent && !IsBool(consent, out _)) { Err("consent_marketing", "Use yes/no, ja/nein, true/false or 1/0."); }
        }

        var valid = rows.Where(r => r.Errors.Count == 0).ToList();
        var results = new Dictionary<int, ImportRowResult>();
        foreach (var r in rows.Where(r => r.Errors.Count > 0))
        {
            results[r.Line] = new ImportRowResult(r.Line, "invalid", r.Fields["external_customer_number"], null, null, r.Errors);
        }

        var dry = dryRun == true;
        var imported = 0;
        if (valid.Count > 0 && !dry)
        {
            var now = clock.GetUtcNow();
            var created = new List<(int Line, Member Member, Membership Membership)>();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var (line, f, _) in valid)
            {
                var plan = await db.Plans.SingleAsync(p => p.Id == plans[f["plan"]!].Id, ct);
                IsBool(f["consent_marketing"] ?? "no", out var consent);
                var member = Member.Create(Guid.CreateVersion7(now), program.Id, f["first_name"]!, f["last_name"]!, f["email"]!.ToLowerInvariant(), f["street"],
                    f["postal_code"], f["city"], "DE", f["language"] ?? program.DefaultLanguage, f["external_customer_number"], consent, false, SignUpChannel.Import, now);
                var membership = Membership.Create(Guid.CreateVersion7(now), member, plan, billing.Current.Name, now, actor.AuditName, SignUpChannel.Import);
                db.Members.Add(member);
                db.Memberships.Add(membership);
                await billing.StartAsync(member, membership, actor.AuditName, ct);
                created.Add((line, member, membership));
            }

            await db.SaveChangesAsync(ct);
            foreach (var (line, member, membership) in created)
            {
                db.Publish(new MemberSignedUp(program.Id, member.Id, member.MemberNumber, membership.Id, membership.PlanId, membership.Plan.Code,
                    SignUpChannel.Import, member.PostalCode, member.Language, member.ExternalCustomerNumber, now), now);
                results[line] = new ImportRowResult(line, "imported", member.ExternalCustomerNumber, member.Id, member.MemberNumber, new Dictionary<string, string[]>());
            }

            PlanEndpoints.Audit(db, actor, program.Id, "members-imported", $"{created.Count} of {rows.Count} rows imported", clock);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            imported = created.Count;
        }
        else
        {
            foreach (var r in valid)
            {
                results[r.Line] = new ImportRowResult(r.Line, dry ? "valid" : "invalid", r.Fields["external_customer_number"], null, null, r.Errors);
            }
        }

        var report = new ImportReport(dry, encodingName, rows.Count, valid.Count, rows.Count - valid.Count, imported,
            results.Values.OrderBy(r => r.Line).ToList());
        return valid.Count == 0 ? Results.UnprocessableEntity(report) : Results.Ok(report);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsBool(string value, out bool result)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "ja" or "y" or "j" or "x":
                result = true;
                return true;
            case "0" or "false" or "no" or "nein" or "n" or "":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    private static (string? Text, (string Field, string Message)? Error, string Name) Decode(byte[] bytes, string? encoding)
    {
        var name = (encoding ?? "utf-8").Trim().ToLowerInvariant();
        if (name is "windows-1252" or "cp1252" or "latin1" or "iso-8859-1")
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return (Encoding.GetEncoding(1252).GetString(bytes), null, "windows-1252");
        }

        if (name is not ("utf-8" or "utf8"))
        {
            return (null, ("encoding", "Supported encodings: utf-8 (default, with or without BOM) and windows-1252."), name);
        }

        var offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, offset, bytes.Length - offset), null, "utf-8");
        }
        catch (DecoderFallbackException ex)
        {
            var at = offset + Math.Max(ex.Index, 0);
            var line = 1 + bytes.Take(Math.Min(at, bytes.Length)).Count(b => b == (byte)'\n');
            return (null, ("file", $"The file is not valid UTF-8 (line {line}). Save it as UTF-8, or send ?encoding=windows-1252 for an Excel export."), "utf-8");
        }
    }
}
