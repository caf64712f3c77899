using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Domain;
using BenefitProgram.Catalog.Offers;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Catalog.Uploads;
using BenefitProgram.Common;
using BenefitProgram.Platform.Contracts;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Catalog.Demo;

/// <summary>Fixed ids and sign-ins of the demo partners (PRODUCT.md's reference case).</summary>
public static class CatalogDemoIds
{
    public static readonly Guid TravelAgency = Guid.Parse("0195f000-0000-7000-8000-000000000101");
    public static readonly Guid TicketShop = Guid.Parse("0195f000-0000-7000-8000-000000000102");
    public static readonly Guid Cinema = Guid.Parse("0195f000-0000-7000-8000-000000000103");
    public static readonly Guid Restaurants = Guid.Parse("0195f000-0000-7000-8000-000000000104");
    public static readonly Guid KeyFinder = Guid.Parse("0195f000-0000-7000-8000-000000000105");
    public static readonly Guid Taxi = Guid.Parse("0195f000-0000-7000-8000-000000000106");
    public static readonly Guid SpaOtherProgram = Guid.Parse("0195f000-0000-7000-8000-000000000107");

    public const string PartnerPassword = "Demo-Partner-2026";
    public const string TravelAdminEmail = "reisen@partner.example";
    public const string TicketAdminEmail = "tickets@partner.example";
    public const string CinemaAdminEmail = "kino@partner.example";
    public const string RestaurantAdminEmail = "restaurant@partner.example";
    public const string KeyFinderAdminEmail = "schluessel@partner.example";
    public const string TaxiAdminEmail = "taxi@partner.example";
    public const string SpaAdminEmail = "therme@partner.example";
}

/// <summary>The demo partners and their live offers; skipped when they exist already.</summary>
internal sealed class CatalogDemoSeeder(CatalogDbContext db, IUserAccounts accounts, TimeProvider clock) : IDemoSeeder
{
    public int Order => 20;

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await db.Partners.AnyAsync(p => p.Id == CatalogDemoIds.TravelAgency, ct))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var from = now.AddDays(-30);
        var until = now.AddYears(1);
        var plus = new List<string> { "plus", "premium" };
        var program = DemoIds.PlusKontoProgram;

        var travel = Add(CatalogDemoIds.TravelAgency, "Sonnenschein Reisen", ["travel"], [], CooperationModel.DistributionCooperation,
            new PartnerContractTerms(800, 0, "EUR", CashbackFunding.Partner, 10_000), program, now);
        var tickets = Add(CatalogDemoIds.TicketShop, "TicketWelt", ["leisure", "culture"], [], CooperationModel.CrossSelling,
            new PartnerContractTerms(500, 0, "EUR", CashbackFunding.Shared, 5_000), program, now);
        var cinema = Add(CatalogDemoIds.Cinema, "Kinopalast", ["leisure"], [], CooperationModel.Couponing,
            new PartnerContractTerms(0, 50, "EUR", CashbackFunding.Program, 0), program, now);
        var restaurants = Add(CatalogDemoIds.Restaurants, "Gasthaus-Gruppe Isartal", ["gastronomy"], ["80", "81", "82", "85"], CooperationModel.Couponing,
            new PartnerContractTerms(0, 30, "EUR", CashbackFunding.Program, 0), program, now);
        var keys = Add(CatalogDemoIds.KeyFinder, "SchlüsselFinder", ["security"], [], CooperationModel.ProductBundling,
            new PartnerContractTerms(0, 0, "EUR", CashbackFunding.Program, 0), program, now);
        var taxi = Add(CatalogDemoIds.Taxi, "Flughafen-Taxi Express", ["mobility"], ["80", "81", "85"], CooperationModel.ProductBundling,
            new PartnerContractTerms(0, 0, "EUR", CashbackFunding.Program, 0), program, now);
        var spa = Add(CatalogDemoIds.SpaOtherProgram, "Stadtbad Thermen", ["leisure", "health"], [], CooperationModel.CoBranding,
            new PartnerContractTerms(300, 0, "EUR", CashbackFunding.Partner, 10_000), DemoIds.OtherProgram, now);

        OfferInput Input(OfferKind kind, string category, string titleDe, string titleEn, string descDe, string descEn) =>
            new(kind, category, new LocalizedText(titleDe, titleEn), new LocalizedText(descDe, descEn), null, null, from, until, plus, null,
                null, null, null, null, "EUR", null, null, null, null, null);

        Live(travel, program, Input(OfferKind.Cashback, "travel", "5 % Rückvergütung auf Pauschalreisen", "5 % cashback on package holidays",
                "Buchen Sie Ihre Pauschalreise über unser Reiseportal und erhalten Sie 5 % des Reisepreises zurück, sobald die Reise stattgefunden hat und die 30-tägige Widerrufsfrist vorbei ist. Premium-Mitglieder erhalten 7 %.",
                "Book your package holiday through our travel portal and get 5 % of the price back once the trip has taken place and the 30-day return window has passed. Premium members get 7 %.")
            with
            {
                LandingUrl = "https://reisen.partner.example/pluskonto?click={clickId}",
                Cashback = new CashbackDetails(500, null, 10_000, 50_000, 100_000, 30, new Dictionary<string, int> { ["premium"] = 700 }),
            }, now);
        Live(tickets, program, Input(OfferKind.Cashback, "leisure", "3 % zurück auf Eventtickets", "3 % back on event tickets",
                "Konzerte, Theater, Sport: 3 % Rückvergütung auf alle Tickets, die Sie über TicketWelt buchen.",
                "Concerts, theatre, sports: 3 % cashback on every ticket you book through TicketWelt.")
            with
            {
                LandingUrl = "https://tickets.partner.example/",
                Cashback = new CashbackDetails(300, null, 0, null, 30_000, 14, null),
            }, now);
        var cinemaOffer = Live(cinema, program, Input(OfferKind.Coupon, "leisure", "2 für 1 im Kino", "2-for-1 cinema tickets",
                "Zwei Kinokarten zum Preis von einer: Gutscheincode an der Kasse oder online einlösen. Zwei Gutscheine pro Monat.",
                "Two cinema tickets for the price of one: redeem the coupon code at the box office or online. Two coupons a month.")
            with
            {
                Coupon = new CouponDetails(null),
                Limit = new MemberLimit(2, LimitPeriod.Month),
                LandingUrl = "https://kino.partner.example/tickets",
            }, now);
        Live(restaurants, program, Input(OfferKind.Discount, "gastronomy", "10 % Rabatt im Restaurant", "10 % off in our restaurants",
                "Zeigen Sie Ihren digitalen Rabattpass an der Kasse und sparen Sie 10 % auf Speisen und Getränke in allen Gasthäusern im Isartal.",
                "Show your digital discount pass at the till and save 10 % on food and drinks in all our Isartal restaurants.")
            with
            {
                EligibleRegions = ["80", "81", "82", "85"],
                Discount = new DiscountDetails(1000, null),
                Limit = new MemberLimit(8, LimitPeriod.Month),
            }, now);
        Live(keys, program, Input(OfferKind.Service, "security", "Schlüsselfund-Service", "Key-finder service",
                "Registrieren Sie Ihre Schlüsselanhänger: Verlorene Schlüssel werden gefunden und kostenlos zu Ihnen zurückgebracht.",
                "Register your key tags: lost keys are found and returned to you free of charge.")
            with
            {
                Service = new ServiceDetails("key-finder"),
                LandingUrl = "https://schluessel.partner.example/registrieren",
            }, now);
        Live(taxi, program, Input(OfferKind.Refund, "mobility", "Flughafentaxi erstattet", "Airport taxi refunded",
                "Wir erstatten Ihre Taxifahrt zum und vom Flughafen für Ihre Urlaubsreise: bis zu 40 EUR pro Fahrt, höchstens 2 Fahrten im Jahr. Beleg erforderlich.",
                "We refund your taxi to and from the airport for your holiday: up to 40 EUR a trip, at most 2 trips a year. Receipt required.")
            with
            {
                EligiblePlans = ["premium"],
                Refund = new RefundDetails("airport-taxi", 4_000, 2, true),
            }, now);
        Live(spa, DemoIds.OtherProgram, Input(OfferKind.Coupon, "leisure", "Thermen-Eintritt 20 % günstiger", "20 % off spa entry",
                "Mit dem Gutscheincode zahlen Sie 20 % weniger Eintritt in allen Stadtbad Thermen.",
                "With the coupon code you pay 20 % less for entry to all Stadtbad spas.")
            with
            {
                Coupon = new CouponDetails("STADTBAD20"),
            }, now);

        await db.SaveChangesAsync(ct);

        var codes = string.Join('\n', Enumerable.Range(1, 500).Select(i => $"KINO-2FOR1-{i:D5}"));
        await CouponCodeImport.ImportAsync(db, cinemaOffer.Id, codes, csv: false, dryRun: false, skipDuplicates: false, ct);

        foreach (var (partner, email) in new[]
        {
            (travel, CatalogDemoIds.TravelAdminEmail), (tickets, CatalogDemoIds.TicketAdminEmail), (cinema, CatalogDemoIds.CinemaAdminEmail),
            (restaurants, CatalogDemoIds.RestaurantAdminEmail), (keys, CatalogDemoIds.KeyFinderAdminEmail), (taxi, CatalogDemoIds.TaxiAdminEmail),
            (spa, CatalogDemoIds.SpaAdminEmail),
        })
        {
            await accounts.CreatePartnerUserAsync(partner.Id, email, CatalogDemoIds.PartnerPassword, PartnerUserRole.Admin, ct);
        }
    }

    private Partner Add(Guid id, string name, List<string> categories, List<string> regions, CooperationModel model, PartnerContractTerms terms, Guid program, DateTimeOffset now)
    {
        var partner = Partner.Create(id, name, $"/branding/partners/{id:N}.svg", categories, regions, model, terms, program, now);
        partner.ChangeStatus(PartnerStatus.Active);
        db.Partners.Add(partner);
        return partner;
    }

    private Offer Live(Partner partner, Guid program, OfferInput input, DateTimeOffset now)
    {
        var offer = Offer.CreateDraft(Guid.CreateVersion7(now), partner.Id, partner.Name, program, input, "demo-seed", now);
        offer.Submit("demo-seed", now);
        offer.Approve("demo-seed", now);
        db.Offers.Add(offer);
        return offer;
    }
}
