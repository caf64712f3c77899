using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>
/// The field-level part of the bad-input corpus (the generic part is BadInputCorpusTests): for the endpoints where users
/// and partners type or upload data, a valid request is broken one field at a time (wrong type, missing, null, empty,
/// overlong, control characters, negative, zero and huge amounts, unknown fields that try to set ids, states or amounts),
/// plus query strings, CSV files and receipt uploads. Every case must be answered with a 4xx that names the field (or the
/// file's line), never a 500, and the database must be unchanged afterwards. Each template is then sent once unbroken and
/// must be accepted, which shows that the refusals came from the broken field and not from the template.
/// </summary>
public sealed class FieldCorpusTests(AppFixture fixture, ITestOutputHelper output) : ApiTest(fixture)
{
    private sealed record Case(string Name, HttpClient Client, HttpMethod Method, string Path, Func<HttpContent?> Body, string? Names);

    private static readonly string Long200 = new('x', 201);
    private static readonly string Long5000 = new('x', 5001);

    [Fact]
    public async Task Every_broken_field_query_csv_and_upload_is_refused_with_a_4xx_naming_it_and_changes_nothing()
    {
        var ops = await Fixture.OperatorAsync();
        var anonymous = Fixture.Anonymous();
        var partnerId = await CreatePartnerAsync(ops);
        var partner = await Fixture.PartnerUserAsync(partnerId);
        var member = await Fixture.MemberLoginAsync(DemoIds.PlusKontoProgram, Guid.NewGuid());
        var cases = new List<Case>();
        var plus = await ops.PostAsJsonAsync("/api/v1/ops/plans", new
        {
            code = "plus",
            terms = new { name = "Plus", priceMinorUnits = 690, currency = "EUR", interval = "Monthly", trialDays = 0, cashbackMultiplierPercent = 100, sortOrder = 1 },
        });
        Assert.True(plus.StatusCode == HttpStatusCode.Created, await plus.Content.ReadAsStringAsync());

        // --- Member sign-up (public) ------------------------------------------------------------------------------
        var signUp = Template(new
        {
            firstName = "Erika", lastName = "Mustermann", email = "erika.corpus@example.com", password = "Sicheres-Passwort-1",
            street = "Hauptstraße 1", postalCode = "80331", city = "München", language = "de", planCode = "plus",
            externalCustomerNumber = (string?)null, consentMarketing = false, consentDataSharing = false, acceptTerms = true,
        });
        var signUpPath = $"/api/v1/programs/{DemoIds.PlusKontoSlug}/members";
        void SignUp(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"sign-up: {name}", anonymous, HttpMethod.Post, signUpPath, signUp, change, names));
        SignUp("first name missing", b => b.Remove("firstName"), "firstName");
        SignUp("first name null", b => b["firstName"] = null, "firstName");
        SignUp("first name empty", b => b["firstName"] = "", "firstName");
        SignUp("first name overlong", b => b["firstName"] = Long200, "firstName");
        SignUp("first name a number", b => b["firstName"] = 42, "firstName");
        SignUp("first name an array", b => b["firstName"] = new JsonArray("Erika"), "firstName");
        SignUp("first name with a NUL character", b => b["firstName"] = "Eri\u0000ka", "firstName");
        SignUp("first name with a bell character", b => b["firstName"] = "Eri\u0007ka", "firstName");
        SignUp("last name empty", b => b["lastName"] = "", "lastName");
        SignUp("last name overlong", b => b["lastName"] = Long200, "lastName");
        SignUp("last name a boolean", b => b["lastName"] = true, "lastName");
        SignUp("e-mail without domain", b => b["email"] = "erika@", "email");
        SignUp("e-mail not an address", b => b["email"] = "not-an-email", "email");
        SignUp("e-mail empty", b => b["email"] = "", "email");
        SignUp("e-mail with a header injection", b => b["email"] = "erika@example.com\r\nBcc: all@example.com", "email");
        SignUp("e-mail overlong", b => b["email"] = new string('e', 250) + "@example.com", "email");
        SignUp("e-mail a number", b => b["email"] = 12345, "email");
        SignUp("password too short", b => b["password"] = "kurz", "password");
        SignUp("password a number", b => b["password"] = 1234567890123, "password");
        SignUp("postal code with letters", b => b["postalCode"] = "ABCDE", "postalCode");
        SignUp("postal code too short", b => b["postalCode"] = "803", "postalCode");
        SignUp("postal code too long", b => b["postalCode"] = "803310", "postalCode");
        SignUp("postal code with a space", b => b["postalCode"] = "80 331", "postalCode");
        SignUp("postal code a number", b => b["postalCode"] = 80331, "postalCode");
        SignUp("street overlong", b => b["street"] = new string('s', 300), "street");
        SignUp("city overlong", b => b["city"] = Long200, "city");
        SignUp("unknown language", b => b["language"] = "fr", "language");
        SignUp("empty language", b => b["language"] = "", "language");
        SignUp("plan code empty", b => b["planCode"] = "", "planCode");
        SignUp("plan code overlong", b => b["planCode"] = Long200, "planCode");
        SignUp("external customer number overlong", b => b["externalCustomerNumber"] = Long200, "externalCustomerNumber");
        SignUp("terms not accepted", b => b["acceptTerms"] = false, "acceptTerms");
        SignUp("terms accepted as a string", b => b["acceptTerms"] = "yes", "acceptTerms");
        SignUp("terms null", b => b["acceptTerms"] = null, "acceptTerms");
        SignUp("consent as a number", b => b["consentMarketing"] = 1, "consentMarketing");
        SignUp("mass assignment of the member id", b => b["memberId"] = Guid.NewGuid().ToString(), "memberId");
        SignUp("mass assignment of the status", b => b["status"] = "Active", "status");
        SignUp("mass assignment of the program", b => b["programId"] = DemoIds.OtherProgram.ToString(), "programId");
        SignUp("mass assignment of the member number", b => b["memberNumber"] = "M-000001", "memberNumber");
        SignUp("mass assignment of the price", b => b["priceMinorUnits"] = 0, "priceMinorUnits");

        // --- Partner purchase report --------------------------------------------------------------------------------
        var purchase = Template(new
        {
            orderReference = "CORPUS-1", clickId = (string?)null, memberNumber = "M-CORPUS", offerId = Guid.NewGuid(),
            amountMinorUnits = 10_000L, currency = "EUR", purchasedAt = "2026-11-20T10:00:00Z", serviceDate = (string?)null,
        });
        void Purchase(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"purchase: {name}", partner, HttpMethod.Post, "/api/v1/partner/purchases", purchase, change, names));
        Purchase("amount negative", b => b["amountMinorUnits"] = -1, "amountMinorUnits");
        Purchase("amount zero", b => b["amountMinorUnits"] = 0, "amountMinorUnits");
        Purchase("amount beyond a 64-bit integer", b => b["amountMinorUnits"] = JsonNode.Parse("99999999999999999999999"), "amountMinorUnits");
        Purchase("amount a decimal", b => b["amountMinorUnits"] = 100.5, "amountMinorUnits");
        Purchase("amount a string", b => b["amountMinorUnits"] = "100", "amountMinorUnits");
        Purchase("amount missing", b => b.Remove("amountMinorUnits"), "amountMinorUnits");
        Purchase("amount null", b => b["amountMinorUnits"] = null, "amountMinorUnits");
        Purchase("currency unknown", b => b["currency"] = "EURO", "currency");
        Purchase("currency lower case", b => b["currency"] = "eur", "currency");
        Purchase("currency empty", b => b["currency"] = "", "currency");
        Purchase("order reference empty", b => b["orderReference"] = "", "orderReference");
        Purchase("order reference overlong", b => b["orderReference"] = Long200, "orderReference");
        Purchase("order reference with a NUL character", b => b["orderReference"] = "A\u0000B", "orderReference");
        Purchase("neither click id nor member number", b => { b["memberNumber"] = null; b["clickId"] = null; }, "memberNumber");
        Purchase("member number without an offer", b => b["offerId"] = null, "offerId");
        Purchase("offer id not a guid", b => b["offerId"] = "offer-1", "offerId");
        Purchase("click id overlong", b => { b["clickId"] = Long200; }, "clickId");
        Purchase("member number overlong", b => b["memberNumber"] = Long200, "memberNumber");
        Purchase("purchase date not a date", b => b["purchasedAt"] = "gestern", "purchasedAt");
        Purchase("purchase date a number", b => b["purchasedAt"] = 20261120, "purchasedAt");
        Purchase("service date impossible", b => b["serviceDate"] = "2026-02-30", "serviceDate");
        Purchase("mass assignment of the cashback", b => b["cashbackMinorUnits"] = 1_000_000, "cashbackMinorUnits");
        Purchase("mass assignment of the state", b => b["state"] = "Confirmed", "state");
        Purchase("mass assignment of the partner", b => b["partnerId"] = Guid.NewGuid().ToString(), "partnerId");
        Purchase("mass assignment of the member id", b => b["memberId"] = Guid.NewGuid().ToString(), "memberId");

        var batchPath = "/api/v1/partner/purchases/batch";
        cases.Add(Raw("purchase batch: empty list", partner, HttpMethod.Post, batchPath, "{\"purchases\": []}", "purchases"));
        cases.Add(Raw("purchase batch: null list", partner, HttpMethod.Post, batchPath, "{\"purchases\": null}", "purchases"));
        cases.Add(Raw("purchase batch: 10,001 rows", partner, HttpMethod.Post, batchPath,
            "{\"purchases\": [" + string.Join(',', Enumerable.Repeat(purchase.ToJsonString(), 10_001)) + "]}", "purchases"));

        // --- Returns against an order reference -----------------------------------------------------------------------
        var returned = Template(new { returnReference = "RET-1", amountMinorUnits = 1_000L, returnedAt = (string?)null });
        const string returnPath = "/api/v1/partner/purchases/CORPUS-1/returns";
        void Return(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"return: {name}", partner, HttpMethod.Post, returnPath, returned, change, names));
        Return("amount negative", b => b["amountMinorUnits"] = -500, "amountMinorUnits");
        Return("amount zero", b => b["amountMinorUnits"] = 0, "amountMinorUnits");
        Return("amount a string", b => b["amountMinorUnits"] = "ten", "amountMinorUnits");
        Return("reference empty", b => b["returnReference"] = "", "returnReference");
        Return("reference overlong", b => b["returnReference"] = Long200, "returnReference");
        Return("date not a date", b => b["returnedAt"] = "soon", "returnedAt");
        Return("mass assignment of the cashback reduction", b => b["cashbackReductionMinorUnits"] = 5, "cashbackReductionMinorUnits");

        // --- Operator: manual ledger adjustment -----------------------------------------------------------------------
        var adjustment = Template(new { amountMinorUnits = 500L, currency = "EUR", reason = "Kulanz nach Beschwerde" });
        var adjustmentPath = $"/api/v1/ops/rewards/members/{Guid.NewGuid()}/adjustments";
        void Adjust(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"adjustment: {name}", ops, HttpMethod.Post, adjustmentPath, adjustment, change, names));
        Adjust("amount zero", b => b["amountMinorUnits"] = 0, "amountMinorUnits");
        Adjust("amount above the limit", b => b["amountMinorUnits"] = 1_000_001, "amountMinorUnits");
        Adjust("amount below the limit", b => b["amountMinorUnits"] = -1_000_001, "amountMinorUnits");
        Adjust("amount the largest 64-bit integer", b => b["amountMinorUnits"] = long.MaxValue, "amountMinorUnits");
        Adjust("amount a float with exponent", b => b["amountMinorUnits"] = JsonNode.Parse("1e30"), "amountMinorUnits");
        Adjust("currency unknown", b => b["currency"] = "XXXX", "currency");
        Adjust("reason empty", b => b["reason"] = "", "reason");
        Adjust("reason overlong", b => b["reason"] = new string('r', 401), "reason");
        Adjust("reason missing", b => b.Remove("reason"), "reason");
        Adjust("mass assignment of the journal", b => b["journalId"] = Guid.NewGuid().ToString(), "journalId");

        // --- Operator: claim decision ---------------------------------------------------------------------------------
        var decision = Template(new { decision = "partly-approve", approvedMinorUnits = 2_000L, reason = "Beleg nur teilweise lesbar" });
        var decisionPath = $"/api/v1/ops/rewards/claims/{Guid.NewGuid()}/decision";
        void Decide(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"claim decision: {name}", ops, HttpMethod.Post, decisionPath, decision, change, names));
        Decide("unknown decision", b => b["decision"] = "maybe", "decision");
        Decide("decision with a different case", b => b["decision"] = "APPROVE", "decision");
        Decide("partial approval without an amount", b => b["approvedMinorUnits"] = null, "approvedMinorUnits");
        Decide("partial approval of zero", b => b["approvedMinorUnits"] = 0, "approvedMinorUnits");
        Decide("partial approval negative", b => b["approvedMinorUnits"] = -100, "approvedMinorUnits");
        Decide("reason empty", b => b["reason"] = "", "reason");
        Decide("reason overlong", b => b["reason"] = new string('r', 501), "reason");

        // --- Operator: plans ------------------------------------------------------------------------------------------
        var plan = Template(new
        {
            code = "corpus",
            terms = new
            {
                name = "Korpus", priceMinorUnits = 990L, currency = "EUR", interval = "Monthly", trialDays = 0, offerCategories = new[] { "travel" },
                benefitKinds = (string[]?)null, cashbackMultiplierPercent = 100, refundCaps = (object[]?)null, sortOrder = 9,
            },
        });
        void Plan(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"plan: {name}", ops, HttpMethod.Post, "/api/v1/ops/plans", plan, change, names));
        JsonObject Terms(JsonObject b) => b["terms"]!.AsObject();
        Plan("code with capitals", b => b["code"] = "Gold", "code");
        Plan("code with a path", b => b["code"] = "../admin", "code");
        Plan("code empty", b => b["code"] = "", "code");
        Plan("price negative", b => Terms(b)["priceMinorUnits"] = -1, "priceMinorUnits");
        Plan("price huge", b => Terms(b)["priceMinorUnits"] = 1_000_001, "priceMinorUnits");
        Plan("currency unknown", b => Terms(b)["currency"] = "E", "currency");
        Plan("interval unknown", b => Terms(b)["interval"] = "Weekly", "interval");
        Plan("trial days negative", b => Terms(b)["trialDays"] = -5, "trialDays");
        Plan("trial days more than a year", b => Terms(b)["trialDays"] = 400, "trialDays");
        Plan("multiplier negative", b => Terms(b)["cashbackMultiplierPercent"] = -10, "cashbackMultiplierPercent");
        Plan("multiplier huge", b => Terms(b)["cashbackMultiplierPercent"] = 5000, "cashbackMultiplierPercent");
        Plan("category with spaces", b => Terms(b)["offerCategories"] = new JsonArray("Reisen und mehr"), "offerCategories");
        Plan("unknown benefit kind", b => Terms(b)["benefitKinds"] = new JsonArray("Teleport"), "benefitKinds");
        Plan("refund cap of zero", b => Terms(b)["refundCaps"] = new JsonArray(new JsonObject { ["kind"] = "taxi", ["claimsPerYear"] = 2, ["maxMinorUnitsPerClaim"] = 0, ["currency"] = "EUR" }), "maxMinorUnitsPerClaim");
        Plan("name overlong", b => Terms(b)["name"] = Long200, "name");
        Plan("terms missing", b => b.Remove("terms"), "terms");

        // --- Partner: offer draft -------------------------------------------------------------------------------------
        var offer = Template(new
        {
            kind = "Discount", category = "gastronomy",
            title = new { de = "10 % Rabatt", en = "10 % off" }, description = new { de = "Auf alle Speisen.", en = "On all food." },
            validFrom = "2026-12-01T00:00:00Z", validUntil = "2027-12-01T00:00:00Z", eligiblePlans = new[] { "plus" },
            discount = new { percentBasisPoints = 1000 },
        });
        var offerPath = $"/api/v1/partner/programs/{DemoIds.PlusKontoProgram}/offers";
        void Offer(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"offer: {name}", partner, HttpMethod.Post, offerPath, offer, change, names));
        Offer("unknown kind", b => b["kind"] = "Gift", "kind");
        Offer("kind as a number beyond the enum", b => b["kind"] = 99, "kind");
        Offer("unknown category", b => b["category"] = "weapons", "category");
        Offer("German title empty", b => b["title"]!["de"] = "", "title");
        Offer("English title overlong", b => b["title"]!["en"] = Long200, "title");
        Offer("title with a control character", b => b["title"]!["de"] = "Rabatt\u0001", "title");
        Offer("description overlong", b => b["description"]!["de"] = Long5000, "description");
        Offer("valid until before valid from", b => b["validUntil"] = "2026-01-01T00:00:00Z", "validUntil");
        Offer("no eligible plan", b => b["eligiblePlans"] = new JsonArray(), "eligiblePlans");
        Offer("plan code with capitals", b => b["eligiblePlans"] = new JsonArray("PLUS"), "eligiblePlans");
        Offer("region not a postal prefix", b => b["eligibleRegions"] = new JsonArray("Bayern"), "eligibleRegions");
        Offer("discount of 0 %", b => b["discount"]!["percentBasisPoints"] = 0, "percentBasisPoints");
        Offer("discount above 100 %", b => b["discount"]!["percentBasisPoints"] = 10_001, "percentBasisPoints");
        Offer("discount percent and fixed at once", b => b["discount"]!["fixedMinorUnits"] = 500, "discount");
        Offer("discount missing for a discount offer", b => b.Remove("discount"), "discount");
        Offer("cashback block on a discount offer", b => b["cashback"] = new JsonObject { ["rateBasisPoints"] = 500 }, "cashback");
        Offer("landing page over http", b => b["landingUrl"] = "http://shop.example/", "landingUrl");
        Offer("landing page a javascript url", b => b["landingUrl"] = "javascript:alert(1)", "landingUrl");
        Offer("image on a data url", b => b["imageUrls"] = new JsonArray("data:image/png;base64,AAAA"), "imageUrls");
        Offer("stock of zero", b => b["stock"] = 0, "stock");
        Offer("stock negative", b => b["stock"] = -10, "stock");
        Offer("budget negative", b => b["budgetMinorUnits"] = -1, "budgetMinorUnits");
        Offer("limit of zero", b => b["limit"] = new JsonObject { ["count"] = 0, ["period"] = "Month" }, "limit");
        Offer("limit with an unknown period", b => b["limit"] = new JsonObject { ["count"] = 1, ["period"] = "Fortnight" }, "period");
        Offer("mass assignment of the status", b => b["status"] = "Live", "status");
        Offer("mass assignment of the partner", b => b["partnerId"] = Guid.NewGuid().ToString(), "partnerId");
        Offer("mass assignment of the redeemed count", b => b["redeemed"] = 0, "redeemed");

        // --- Partner: register a partner user, pass verification ------------------------------------------------------
        var user = Template(new { email = "kasse@partner.example", password = "Kasse-Passwort-1", role = "Editor" });
        void User(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"partner user: {name}", partner, HttpMethod.Post, "/api/v1/partner/users", user, change, names));
        User("e-mail malformed", b => b["email"] = "kasse@", "email");
        User("password too short", b => b["password"] = "123", "password");
        User("unknown role", b => b["role"] = "Owner", "role");
        User("role as a number beyond the enum", b => b["role"] = 7, "role");
        User("mass assignment of the partner", b => b["partnerId"] = Guid.NewGuid().ToString(), "partnerId");

        cases.Add(Raw("pass verification: amount negative", partner, HttpMethod.Post, "/api/v1/partner/passes/verify", "{\"pass\": \"ABCD2345\", \"purchaseAmountMinorUnits\": -100}", "purchaseAmountMinorUnits"));
        cases.Add(Raw("pass verification: pass empty", partner, HttpMethod.Post, "/api/v1/partner/passes/verify", "{\"pass\": \"\", \"purchaseAmountMinorUnits\": null}", "pass"));
        cases.Add(Raw("pass verification: pass overlong", partner, HttpMethod.Post, "/api/v1/partner/passes/verify", $"{{\"pass\": \"{Long5000}\", \"purchaseAmountMinorUnits\": null}}", "pass"));

        // --- Member: membership, key tags, ratings --------------------------------------------------------------------
        cases.Add(Raw("cancel: unknown reason", member, HttpMethod.Post, "/api/v1/me/membership/cancel", "{\"reason\": \"bored\", \"comment\": null}", "reason"));
        cases.Add(Raw("cancel: 'other' without a comment", member, HttpMethod.Post, "/api/v1/me/membership/cancel", "{\"reason\": \"other\", \"comment\": null}", "comment"));
        cases.Add(Raw("cancel: comment overlong", member, HttpMethod.Post, "/api/v1/me/membership/cancel", $"{{\"reason\": \"other\", \"comment\": \"{Long5000}\"}}", "comment"));
        cases.Add(Raw("change plan: code empty", member, HttpMethod.Post, "/api/v1/me/membership/change-plan", "{\"planCode\": \"\"}", "planCode"));
        cases.Add(Raw("change plan: code overlong", member, HttpMethod.Post, "/api/v1/me/membership/change-plan", $"{{\"planCode\": \"{Long200}\"}}", "planCode"));
        cases.Add(Raw("key tag: code empty", member, HttpMethod.Post, "/api/v1/me/key-tags", "{\"code\": \"\", \"label\": \"Haustür\"}", "code"));
        cases.Add(Raw("key tag: code with a path", member, HttpMethod.Post, "/api/v1/me/key-tags", "{\"code\": \"../../etc/passwd\", \"label\": \"Haustür\"}", "code"));
        cases.Add(Raw("key tag: label overlong", member, HttpMethod.Post, "/api/v1/me/key-tags", $"{{\"code\": \"KT-ABCD-2345\", \"label\": \"{Long200}\"}}", "label"));
        cases.Add(Raw("key tag: label empty", member, HttpMethod.Post, "/api/v1/me/key-tags", "{\"code\": \"KT-ABCD-2345\", \"label\": \"\"}", "label"));
        cases.Add(Raw("rating: zero stars", member, HttpMethod.Put, $"/api/v1/me/offers/{Guid.NewGuid()}/rating", "{\"stars\": 0}", "stars"));
        cases.Add(Raw("rating: stars as text", member, HttpMethod.Put, $"/api/v1/me/offers/{Guid.NewGuid()}/rating", "{\"stars\": \"five\"}", "stars"));
        cases.Add(Raw("key found: message overlong", anonymous, HttpMethod.Post, $"/api/v1/programs/{DemoIds.PlusKontoSlug}/key-tags/KT-ABCD-2345/found", $"{{\"message\": \"{Long5000}\", \"finderContact\": null}}", "message"));
        cases.Add(Raw("key found: contact overlong", anonymous, HttpMethod.Post, $"/api/v1/programs/{DemoIds.PlusKontoSlug}/key-tags/KT-ABCD-2345/found", $"{{\"message\": null, \"finderContact\": \"{Long5000}\"}}", "finderContact"));

        // --- Operator: branding, barometer, payouts, reject comment ---------------------------------------------------
        var brand = Template(new { name = "PlusKonto", primaryColor = "#003366", accentColor = "#FFB000", logoUrl = (string?)null });
        void Brand(string name, Action<JsonObject> change, string? names) => cases.Add(JsonCase($"branding: {name}", ops, HttpMethod.Put, "/api/v1/ops/program/branding", brand, change, names));
        Brand("colour a CSS expression", b => b["primaryColor"] = "red; background:url(x)", "primaryColor");
        Brand("colour without #", b => b["accentColor"] = "FFB000", "accentColor");
        Brand("logo a javascript url", b => b["logoUrl"] = "javascript:alert(1)", "logoUrl");
        Brand("name empty", b => b["name"] = "", "name");
        var answers = Template(new { contractAndRolesClear = 4, sharedProcessesWork = 4, dataExchangeWorks = 5, trustBetweenTeams = 3, communicationIsRegular = 3, sharedGoalsAgreed = 4, comment = "gut" });
        var barometerPath = $"/api/v1/ops/reports/barometer/{partnerId}";
        cases.Add(JsonCase("barometer: answer 0", ops, HttpMethod.Post, barometerPath, answers, b => b["trustBetweenTeams"] = 0, "trustBetweenTeams"));
        cases.Add(JsonCase("barometer: answer 6", ops, HttpMethod.Post, barometerPath, answers, b => b["sharedGoalsAgreed"] = 6, "sharedGoalsAgreed"));
        cases.Add(JsonCase("barometer: comment overlong", ops, HttpMethod.Post, barometerPath, answers, b => b["comment"] = Long5000, "comment"));
        cases.Add(Raw("payout: period not a month", ops, HttpMethod.Post, "/api/v1/ops/rewards/payout-batches", "{\"periodKey\": \"2026-13\"}", "periodKey"));
        cases.Add(Raw("payout: period with a path", ops, HttpMethod.Post, "/api/v1/ops/rewards/payout-batches", "{\"periodKey\": \"../2026-11\"}", "periodKey"));
        cases.Add(Raw("payout results: unknown status", ops, HttpMethod.Post, $"/api/v1/ops/rewards/payout-batches/{Guid.NewGuid()}/results",
            $"{{\"lines\": [{{\"lineId\": \"{Guid.NewGuid()}\", \"status\": \"Maybe\", \"reason\": null}}]}}", "status"));
        cases.Add(Raw("payout results: no lines", ops, HttpMethod.Post, $"/api/v1/ops/rewards/payout-batches/{Guid.NewGuid()}/results", "{\"lines\": []}", "lines"));
        cases.Add(Raw("offer rejection: no comment", ops, HttpMethod.Post, $"/api/v1/ops/offers/{Guid.NewGuid()}/reject", "{\"comment\": \"\"}", "comment"));
        cases.Add(Raw("api key: name empty", partner, HttpMethod.Post, "/api/v1/partner/api-keys", "{\"name\": \"\"}", "name"));
        cases.Add(Raw("api key: name overlong", partner, HttpMethod.Post, "/api/v1/partner/api-keys", $"{{\"name\": \"{Long200}\"}}", "name"));

        // --- Query strings --------------------------------------------------------------------------------------------
        void Query(string name, HttpClient client, string path, string? names) => cases.Add(new Case($"query: {name}", client, HttpMethod.Get, path, () => null, names));
        Query("search text overlong", member, $"/api/v1/me/offers?q={new string('q', 201)}", "q");
        Query("search postal code with letters", member, "/api/v1/me/offers?postalCode=ABC", "postalCode");
        Query("search with an unknown kind", member, "/api/v1/me/offers?kind=Teleport", "kind");
        Query("search with an unknown sort", member, "/api/v1/me/offers?sort=random", "sort");
        Query("search with a partner that is not a guid", member, "/api/v1/me/offers?partnerId=partner-1", "partnerId");
        Query("search page not a number", member, "/api/v1/me/offers?page=two", "page");
        Query("redemptions from not a date", ops, "/api/v1/ops/redemptions?from=yesterday", "from");
        Query("redemptions offer not a guid", ops, "/api/v1/ops/redemptions?offerId=1", "offerId");
        Query("churn month not a month", ops, "/api/v1/ops/reports/churn?from=2026-13", "from");
        Query("churn from after to", ops, "/api/v1/ops/reports/churn?from=2026-06&to=2025-06", "to");
        Query("partner report month malformed", ops, "/api/v1/ops/reports/partners?month=June", "month");
        cases.Add(new Case("path: night that does not exist", ops, HttpMethod.Post, "/api/v1/ops/jobs/nights/2026-02-30", () => null, "night"));
        cases.Add(new Case("path: night in the future", ops, HttpMethod.Post, "/api/v1/ops/jobs/nights/2999-01-01", () => null, "night"));
        Query("kpis from not a day", ops, "/api/v1/ops/reports/kpis?from=01.11.2026", "from");
        Query("program effect month malformed", ops, "/api/v1/ops/reports/program-effect?month=2026/06", "month");
        Query("cohort members from after to in economics", ops, "/api/v1/ops/reports/economics?from=2026-10&to=2026-01", "to");
        Query("statement month malformed", partner, "/api/v1/partner/statements/2026-1", "month");

        // --- CSV files -------------------------------------------------------------------------------------------------
        const string purchaseHeader = "order_reference,click_id,member_number,offer_id,amount,currency,purchased_at,service_date\n";
        void Csv(string name, HttpClient client, string path, byte[] body, string contentType, string? names) =>
            cases.Add(new Case($"csv: {name}", client, HttpMethod.Post, path, () => Bytes(body, contentType), names));
        Csv("purchases without a header", partner, "/api/v1/partner/purchases/csv", Encoding.UTF8.GetBytes("a,b\n1,2\n"), "text/csv", "header");
        Csv("purchases empty file", partner, "/api/v1/partner/purchases/csv", [], "text/csv", null);
        Csv("purchases as JSON content type", partner, "/api/v1/partner/purchases/csv", Encoding.UTF8.GetBytes(purchaseHeader), "application/json", null);
        Csv("purchases binary garbage", partner, "/api/v1/partner/purchases/csv", [0x00, 0xff, 0xfe, 0x00, 0x01, 0x02], "text/csv", null);
        Csv("purchases with a semicolon header", partner, "/api/v1/partner/purchases/csv", Encoding.UTF8.GetBytes(purchaseHeader.Replace(',', ';')), "text/csv", "header");
        const string offerHeader = "kind;category;title_de;title_en;description_de;description_en;valid_from;valid_until;plans;regions;limit;discount_percent;cashback_percent;return_window_days;landing_url\n";
        var offerUpload = $"/api/v1/partner/programs/{DemoIds.PlusKontoProgram}/offers/upload";
        Csv("offers with a formula cell", partner, offerUpload, Encoding.UTF8.GetBytes(offerHeader + "coupon;leisure;=cmd|' /C calc'!A0;Coupon;Beschreibung;Description;2026-12-01;;plus;;;;;;\n"), "text/csv", "title_de");
        Csv("offers with a +formula cell", partner, offerUpload, Encoding.UTF8.GetBytes(offerHeader + "coupon;leisure;+1+1;Coupon;Beschreibung;Description;2026-12-01;;plus;;;;;;\n"), "text/csv", "title_de");
        Csv("offers with an @formula cell", partner, offerUpload, Encoding.UTF8.GetBytes(offerHeader + "coupon;leisure;Kino;@SUM(1);Beschreibung;Description;2026-12-01;;plus;;;;;;\n"), "text/csv", "title_en");
        Csv("offers with an unknown kind", partner, offerUpload, Encoding.UTF8.GetBytes(offerHeader + "gift;leisure;Kino;Cinema;Beschreibung;Description;2026-12-01;;plus;;;;;;\n"), "text/csv", "kind");
        Csv("offers with an impossible date", partner, offerUpload, Encoding.UTF8.GetBytes(offerHeader + "coupon;leisure;Kino;Cinema;Beschreibung;Description;2026-02-30;;plus;;;;;;\n"), "text/csv", "valid_from");
        Csv("offers with a header missing a column", partner, offerUpload, Encoding.UTF8.GetBytes("kind;category\ncoupon;leisure\n"), "text/csv", null);
        Csv("offers in UTF-16 without a BOM", partner, offerUpload, Encoding.Unicode.GetBytes(offerHeader + "coupon;leisure;Kino;Cinema;Beschreibung;Description;2026-12-01;;plus;;;;;;\n"), "text/csv", null);
        Csv("offers with an unclosed quote", partner, offerUpload, Encoding.UTF8.GetBytes(offerHeader + "coupon;leisure;\"Kino;Cinema;Beschreibung;Description;2026-12-01;;plus;;;;;;\n"), "text/csv", null);
        Csv("offers larger than 5 MB", partner, offerUpload, Oversized((5 * 1024 * 1024) + 10), "text/csv", null);
        Csv("offers as an image", partner, offerUpload, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "image/png", null);

        // --- Receipt uploads (refund claims) --------------------------------------------------------------------------
        void Claim(string name, byte[] receipt, string fileName, string contentType, string? amount, string? names) =>
            cases.Add(new Case($"claim upload: {name}", member, HttpMethod.Post, "/api/v1/me/rewards/claims", () => ClaimForm(receipt, fileName, contentType, amount), names));
        var pdf = "%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();
        Claim("receipt an executable", [0x4d, 0x5a, 0x90, 0x00, 0x03], "beleg.pdf", "application/pdf", "3850", "receipt");
        Claim("receipt HTML named as PNG", "<html><script>alert(1)</script></html>"u8.ToArray(), "beleg.png", "image/png", "3850", "receipt");
        Claim("receipt SVG with a script", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray(), "beleg.svg", "image/svg+xml", "3850", "receipt");
        Claim("receipt empty", [], "beleg.pdf", "application/pdf", "3850", "receipt");
        Claim("receipt larger than 5 MB", Oversized((5 * 1024 * 1024) + 1, pdf), "beleg.pdf", "application/pdf", "3850", "receipt");
        Claim("amount negative", pdf, "beleg.pdf", "application/pdf", "-3850", "amountMinorUnits");
        Claim("amount zero", pdf, "beleg.pdf", "application/pdf", "0", "amountMinorUnits");
        Claim("amount not a number", pdf, "beleg.pdf", "application/pdf", "38,50 EUR", "amountMinorUnits");
        Claim("amount huge", pdf, "beleg.pdf", "application/pdf", "99999999999999999999", "amountMinorUnits");
        cases.Add(new Case("claim upload: not multipart", member, HttpMethod.Post, "/api/v1/me/rewards/claims", () => Bytes(pdf, "application/pdf"), null));

        // --- Run every case ---------------------------------------------------------------------------------------------
        var before = await DatabaseChecksum.ComputeAsync(Fixture.ConnectionString);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            using var request = new HttpRequestMessage(c.Method, c.Path) { Content = c.Body() };
            var response = await c.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var media = response.Content.Headers.ContentType?.MediaType;
            // Refusals by identity (401/403) would mean the case tested the wrong thing, not the input.
            var refused = status is >= 400 and < 500 and not 401 and not 403 and not 429;
            var described = media == "application/problem+json" || (status == 422 && media == "application/json" && text.Contains("\"errors\"", StringComparison.Ordinal));
            var named = c.Names is null || text.Contains(c.Names, StringComparison.OrdinalIgnoreCase);
            if (!refused || !described || !named)
            {
                failures.Add($"{c.Name}: {status} {media} {(named ? "" : $"(does not name '{c.Names}') ")}{Shorten(text)}");
            }
        }

        var after = await DatabaseChecksum.ComputeAsync(Fixture.ConnectionString);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
        Assert.Equal(before, after);

        // Controls: the unbroken templates are accepted, so each refusal above came from the one broken field.
        var controls = new List<string>();
        await Control("sign-up", anonymous.PostAsync(signUpPath, JsonBody(signUp)), HttpStatusCode.Created);
        await Control("plan", ops.PostAsync("/api/v1/ops/plans", JsonBody(plan)), HttpStatusCode.Created);
        await Control("offer", partner.PostAsync(offerPath, JsonBody(offer)), HttpStatusCode.Created);
        await Control("partner user", partner.PostAsync("/api/v1/partner/users", JsonBody(user)), HttpStatusCode.Created);
        await Control("branding", ops.PutAsync("/api/v1/ops/program/branding", JsonBody(brand)), HttpStatusCode.OK);
        await Control("barometer", ops.PostAsync(barometerPath, JsonBody(answers)), HttpStatusCode.OK);

        var summary = $"bad input (field-level corpus): {cases.Count} cases over JSON fields, query strings, CSV files and uploads, {failures.Count} failures; {controls.Count} unbroken templates accepted";
        output.WriteLine(summary);
        TestFigures.Record(summary);
        Assert.True(cases.Count >= 200, $"the corpus has {cases.Count} cases");
        Assert.Equal(6, controls.Count);

        async Task Control(string name, Task<HttpResponseMessage> call, HttpStatusCode expected)
        {
            var response = await call;
            Assert.True(response.StatusCode == expected, $"control {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            controls.Add(name);
        }
    }

    private static async Task<Guid> CreatePartnerAsync(HttpClient ops)
    {
        var response = await ops.PostAsJsonAsync("/api/v1/ops/partners", new
        {
            name = "Korpus Reisen",
            logoUrl = (string?)null,
            categories = new[] { "travel" },
            regions = Array.Empty<string>(),
            cooperationModel = "CoBranding",
            terms = new { commissionRateBasisPoints = 500, feePerRedemptionMinorUnits = 25, currency = "EUR", cashbackFunding = "Shared", partnerShareBasisPoints = 6000 },
            adminEmail = $"admin-{Guid.NewGuid():N}@partner.example",
            adminPassword = AppFixture.TestPassword,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/ops/partners/{id}/status", new { status = "Active" })).StatusCode);
        return id;
    }

    private static JsonObject Template(object value) => JsonSerializer.SerializeToNode(value)!.AsObject();

    private static Case JsonCase(string name, HttpClient client, HttpMethod method, string path, JsonObject template, Action<JsonObject> change, string? names)
    {
        var body = template.DeepClone().AsObject();
        change(body);
        var json = body.ToJsonString();
        return new Case(name, client, method, path, () => new StringContent(json, Encoding.UTF8, "application/json"), names);
    }

    private static Case Raw(string name, HttpClient client, HttpMethod method, string path, string json, string? names) =>
        new(name, client, method, path, () => new StringContent(json, Encoding.UTF8, "application/json"), names);

    private static StringContent JsonBody(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static byte[] Oversized(int size, byte[]? start = null)
    {
        var bytes = new byte[size];
        Array.Fill(bytes, (byte)'a');
        start?.CopyTo(bytes, 0);
        return bytes;
    }

    private static MultipartFormDataContent ClaimForm(byte[] receipt, string fileName, string contentType, string? amount)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(Guid.NewGuid().ToString()), "offerId" },
            { new StringContent(amount ?? "3850"), "amountMinorUnits" },
            { new StringContent("EUR"), "currency" },
            { new StringContent("2026-11-20"), "tripDate" },
        };
        var file = new ByteArrayContent(receipt);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "receipt", fileName);
        return form;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
