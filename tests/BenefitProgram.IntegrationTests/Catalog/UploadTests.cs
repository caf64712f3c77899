using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Catalog;

public sealed class UploadTests(CatalogFixture fixture) : CatalogTest(fixture)
{
    static UploadTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private const string Header = "kind;category;title_de;title_en;description_de;description_en;valid_from;valid_until;plans;regions;limit;discount_percent;cashback_percent;return_window_days;landing_url\n";

    private static string GoodRows =>
        "discount;gastronomy;10 % Rabatt in Gaststätten;10 % off in restaurants;Gültig für Speisen und Getränke, außer Bier vom Fass;Food and drinks;01.12.2026;2027-12-01;plus|premium;80|81;4/month;10;;;\n" +
        "cashback;travel;Rückvergütung für Reisen;Cashback on travel;\"Buchen; sparen\";Book and save;2026-12-01;;plus;;;;5,5;30;https://reisen.example/landing\n";

    private async Task<HttpResponseMessage> UploadOffersAsync(HttpClient client, byte[] bytes, string query = "", string contentType = "text/csv")
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync($"/api/v1/partner/programs/{DemoIds.PlusKontoProgram}/offers/upload{query}", content);
    }

    private async Task<int> OfferCountAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Offers.CountAsync();
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-8-bom")]
    [InlineData("windows-1252")]
    public async Task Offer_csv_in_utf8_with_or_without_bom_and_windows_1252_reads_umlauts_correctly(string encoding)
    {
        var partner = await CreatePartnerAsync();
        var text = Header + GoodRows;
        var bytes = encoding switch
        {
            "utf-8-bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            "windows-1252" => Encoding.GetEncoding(1252).GetBytes(text),
            _ => Encoding.UTF8.GetBytes(text),
        };

        var response = await UploadOffersAsync(partner.Admin, bytes);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var ids = (await Json(response)).GetProperty("createdOfferIds").EnumerateArray().Select(e => e.GetGuid()).ToList();
        Assert.Equal(2, ids.Count);
        var first = await Json(await partner.Admin.GetAsync($"/api/v1/partner/offers/{ids[0]}"));
        Assert.Equal("Draft", first.GetProperty("status").GetString());
        var content = first.GetProperty("content");
        Assert.Equal("10 % Rabatt in Gaststätten", content.GetProperty("title").GetProperty("de").GetString());
        Assert.Equal("Gültig für Speisen und Getränke, außer Bier vom Fass", content.GetProperty("description").GetProperty("de").GetString());
        Assert.Equal(1000, content.GetProperty("discount").GetProperty("percentBasisPoints").GetInt32());
        Assert.Equal("Month", content.GetProperty("limit").GetProperty("period").GetString());
        var second = (await Json(await partner.Admin.GetAsync($"/api/v1/partner/offers/{ids[1]}"))).GetProperty("content");
        Assert.Equal(550, second.GetProperty("cashback").GetProperty("rateBasisPoints").GetInt32());
        Assert.Equal("Buchen; sparen", second.GetProperty("description").GetProperty("de").GetString());
    }

    [Fact]
    public async Task Offer_csv_with_broken_rows_and_formula_cells_is_refused_row_by_row_and_nothing_is_created()
    {
        var partner = await CreatePartnerAsync();
        var text = Header + GoodRows +
            "coupon;leisure;=cmd|' /C calc'!A0;Coupon;Beschreibung;Description;2026-12-01;;plus;;;;;;\n" +  // line 4: formula
            "discount;leisure;Rabatt;Discount;Beschreibung;Description;morgen;;plus;;;;;;\n" +                // line 5: bad date, no discount
            "cashback;travel;Reise;Trip;Beschreibung;Description;2026-12-01;;plus;;;;abc;30;https://x.example\n" + // line 6: bad number
            "gift;travel;Reise;Trip;Beschreibung;Description;2026-12-01;;plus;;;;;;\n" +                      // line 7: unknown kind
            "discount;gastronomy;Rabatt;Discount;Beschreibung;Description;2026-12-01;;plus;1234567;;10;;;\n" + // line 8: bad region
            "discount;gastronomy;\"Rabatt;Discount;Beschreibung;Description;2026-12-01;;plus;;;10;;;\n";     // line 9: unclosed quote

        var response = await UploadOffersAsync(partner.Admin, Encoding.UTF8.GetBytes(text));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors").EnumerateArray()
            .Select(e => (Line: e.GetProperty("line").GetInt32(), Field: e.GetProperty("field").GetString(), Message: e.GetProperty("message").GetString()!)).ToList();
        Assert.Contains(errors, e => e is { Line: 4, Field: "title_de" } && e.Message.Contains("formula", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Line: 5, Field: "valid_from" });
        Assert.Contains(errors, e => e is { Line: 6, Field: "cashback_percent" });
        Assert.Contains(errors, e => e is { Line: 7, Field: "kind" });
        Assert.Contains(errors, e => e is { Line: 8, Field: "regions" });
        Assert.Contains(errors, e => e.Line >= 9);
        Assert.DoesNotContain(errors, e => e.Line is 2 or 3);
        Assert.Equal(0, await OfferCountAsync());
    }

    [Fact]
    public async Task A_dry_run_reports_without_creating_and_a_bad_header_is_named()
    {
        var partner = await CreatePartnerAsync();
        var dry = await UploadOffersAsync(partner.Admin, Encoding.UTF8.GetBytes(Header + GoodRows), "?dryRun=true");
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        var report = await Json(dry);
        Assert.Equal(2, report.GetProperty("rows").GetInt32());
        Assert.Equal(0, report.GetProperty("errors").GetArrayLength());
        Assert.False(report.GetProperty("applied").GetBoolean());
        Assert.Equal(0, await OfferCountAsync());

        var badHeader = await UploadOffersAsync(partner.Admin, Encoding.UTF8.GetBytes("kind;titel\nx;y\n"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badHeader.StatusCode);
        var body = await badHeader.Content.ReadAsStringAsync();
        Assert.Contains("Unknown column 'titel'", body, StringComparison.Ordinal);
        Assert.Contains("title_de", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_utf16_file_without_bom_gives_clear_row_errors()
    {
        var partner = await CreatePartnerAsync();
        var response = await UploadOffersAsync(partner.Admin, Encoding.Unicode.GetBytes(Header + GoodRows));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(0, await OfferCountAsync());

        var offer = await CreateDraftAsync(partner, OfferBody());
        var codes = await UploadCodesAsync(partner.Admin, offer, "", contentType: "text/plain");
        using var utf16 = new ByteArrayContent(Encoding.Unicode.GetBytes("CODE1\nCODE2\n"));
        utf16.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var codeResponse = await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/codes", utf16);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, codeResponse.StatusCode);
        Assert.Contains("UTF-16", await codeResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_files_are_answered_with_413_and_nothing_is_applied()
    {
        var partner = await CreatePartnerAsync();
        var big = new byte[(5 * 1024 * 1024) + 10];
        Array.Fill(big, (byte)'a');
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await UploadOffersAsync(partner.Admin, big)).StatusCode);

        var offer = await CreateDraftAsync(partner, OfferBody());
        // Without Content-Length (chunked) the limit is enforced while reading.
        using var stream = new StreamContent(new MemoryStream(new byte[(64 * 1024 * 1024) + 10]));
        stream.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/partner/offers/{offer}/codes") { Content = stream };
        request.Headers.TransferEncodingChunked = true;
        var response = await partner.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await OfferCountAsync() - 1);
    }

    [Fact]
    public async Task Duplicate_and_formula_coupon_codes_are_reported_not_dropped_and_nothing_is_imported()
    {
        var partner = await CreatePartnerAsync();
        var offer = await CreateDraftAsync(partner, OfferBody());
        Assert.Equal(HttpStatusCode.OK, (await UploadCodesAsync(partner.Admin, offer, "OLD-1\nOLD-2\n")).StatusCode);

        var response = await UploadCodesAsync(partner.Admin, offer, "NEW-1\nNEW-2\nNEW-1\nOLD-2\n=HYPERLINK(\"x\")\nNEW-3\n");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var report = await Json(response);
        Assert.Equal(1, report.GetProperty("duplicatesInFile").GetInt32());
        Assert.Equal(1, report.GetProperty("alreadyInPool").GetInt32());
        var lines = report.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()).ToList();
        Assert.Equal([3, 4, 5], lines);
        var pool = await Json(await partner.Admin.GetAsync($"/api/v1/partner/offers/{offer}/codes"));
        Assert.Equal(2, pool.GetProperty("total").GetInt64());

        // Asked to skip duplicates, the rest is imported and the duplicates are still listed.
        var skipped = await UploadCodesAsync(partner.Admin, offer, "NEW-1\nNEW-2\nNEW-1\nOLD-2\nNEW-3\n", "?skipDuplicates=true");
        Assert.Equal(HttpStatusCode.OK, skipped.StatusCode);
        var skippedReport = await Json(skipped);
        Assert.Equal(3, skippedReport.GetProperty("imported").GetInt32());
        Assert.Equal(2, skippedReport.GetProperty("errors").GetArrayLength());
        Assert.Equal(5, (await Json(await partner.Admin.GetAsync($"/api/v1/partner/offers/{offer}/codes"))).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Coupon_codes_upload_as_csv_with_header_and_a_dry_run_imports_nothing()
    {
        var partner = await CreatePartnerAsync();
        var offer = await CreateDraftAsync(partner, OfferBody());
        var csv = "code\n" + string.Join('\n', Enumerable.Range(1, 3000).Select(i => $"\"C-{i:D5}\""));

        var dry = await Json(await UploadCodesAsync(partner.Admin, offer, csv, "?dryRun=true", "text/csv"));
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, (await Json(await partner.Admin.GetAsync($"/api/v1/partner/offers/{offer}/codes"))).GetProperty("total").GetInt64());

        var done = await UploadCodesAsync(partner.Admin, offer, csv, contentType: "text/csv");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(3000, (await Json(done)).GetProperty("imported").GetInt32());
        Assert.Equal(3000, (await Json(await partner.Admin.GetAsync($"/api/v1/partner/offers/{offer}/codes"))).GetProperty("remaining").GetInt64());
    }
}
