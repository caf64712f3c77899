using System.Net.Http.Headers;
using System.Net.Http.Json;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Platform.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Rewards;

/// <summary>
/// The real host on its own database with <see cref="RewardsFakes"/> standing in for the Members and Catalog contracts.
/// Reset before each test like <see cref="AppFixture"/>.
/// </summary>
public sealed class RewardsFixture : IAsyncLifetime
{
    private ResettableHost host = null!;

    public string ConnectionString => host.ConnectionString;
    public BenefitProgramApp App => host.App;
    public RewardsFakes Fakes { get; } = new();

    public async Task InitializeAsync() =>
        host = await ResettableHost.StartAsync("bp_rw", cs => new BenefitProgramApp(cs, services => RewardsFakes.Register(services, Fakes)));

    public async Task ResetAsync()
    {
        Fakes.Reset();
        await host.ResetAsync();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    public HttpClient Anonymous()
    {
        var client = App.CreateClient(new() { AllowAutoRedirect = false });
        client.Timeout = TimeSpan.FromMinutes(20); // the 1M-row benchmark upload
        return client;
    }

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    public Task<HttpClient> OperatorAsync() => SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);

    public Task<HttpClient> OtherProgramOperatorAsync() => SignInAsync("operator@stadtwerke.example", DemoIds.OperatorPassword);

    public async Task<HttpClient> PartnerUserAsync(Guid partnerId)
    {
        var email = $"partner-{Guid.NewGuid():N}@example.com";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
                .CreatePartnerUserAsync(partnerId, email, AppFixture.TestPassword, PartnerUserRole.Admin, CancellationToken.None);
            Assert.True(result.Succeeded);
        }

        return await SignInAsync(email, AppFixture.TestPassword);
    }

    public async Task<HttpClient> MemberLoginAsync(Guid programId, Guid memberId)
    {
        var email = $"member-{Guid.NewGuid():N}@example.com";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
                .CreateMemberAsync(programId, memberId, email, AppFixture.TestPassword, CancellationToken.None);
            Assert.True(result.Succeeded);
        }

        return await SignInAsync(email, AppFixture.TestPassword);
    }

    // ---- The reference case: a travel agency with 5 % cashback (30-day window), a taxi company refunding airport trips.

    public static readonly Guid Program = DemoIds.PlusKontoProgram;

    public Guid AddMember(string plan = PlanCodes.Premium, bool inGoodStanding = true, string number = "", DateTimeOffset? from = null, Guid? id = null,
        Guid? program = null, int multiplier = 100)
    {
        var memberId = id ?? Guid.NewGuid();
        var caps = plan == PlanCodes.Premium ? new[] { new RefundCap("airport-taxi", 2, 4000, "EUR") } : [];
        var kinds = plan == PlanCodes.Basis ? Array.Empty<string>() : plan == PlanCodes.Premium ? BenefitKinds.All.ToArray() : [BenefitKinds.Discount, BenefitKinds.Coupon, BenefitKinds.Cashback];
        Fakes.SetMember(new MemberEntitlement(memberId, program ?? Program, number.Length > 0 ? number : $"M{memberId.ToString("N")[..8]}", Guid.NewGuid(), Guid.NewGuid(),
            plan, 1, inGoodStanding ? MembershipStatus.Active : MembershipStatus.Suspended, inGoodStanding, "80331", "de", [], kinds, multiplier, caps,
            BenefitProgramApp.Start.AddYears(-1), null), from);
        return memberId;
    }

    public Guid AddPartner(CashbackFunding funding = CashbackFunding.Partner, int shareBasisPoints = 10_000, int commissionBasisPoints = 250)
    {
        var id = Guid.NewGuid();
        Fakes.Partners[id] = new PartnerInfo(id, "Reisebüro Sonnenschein", PartnerStatus.Active, CooperationModel.CrossSelling,
            new PartnerContractTerms(commissionBasisPoints, 0, "EUR", funding, shareBasisPoints), [Program]);
        return id;
    }

    public Guid AddCashbackOffer(Guid partnerId, int rateBasisPoints = 500, long? capPerPurchase = null, long? capPerYear = null, long minPurchase = 0,
        int windowDays = 30, OfferStatus status = OfferStatus.Live, IReadOnlyList<string>? regions = null, long? fixedMinor = null, Guid? program = null)
    {
        var id = Guid.NewGuid();
        Fakes.Offers[id] = new OfferTerms(id, partnerId, program ?? Program, OfferKind.Cashback, status, BenefitProgramApp.Start.AddYears(-2), null,
            [PlanCodes.Plus, PlanCodes.Premium], regions ?? [], "Pauschalreisen", "Package holidays",
            new CashbackTerms(fixedMinor is null ? rateBasisPoints : null, fixedMinor, minPurchase, capPerPurchase, capPerYear, windowDays, new Dictionary<string, int>(), "EUR"),
            null);
        return id;
    }

    public Guid AddTaxiOffer(Guid partnerId)
    {
        var id = Guid.NewGuid();
        Fakes.Offers[id] = new OfferTerms(id, partnerId, Program, OfferKind.Refund, OfferStatus.Live, BenefitProgramApp.Start.AddYears(-2), null,
            [PlanCodes.Premium], [], "Flughafentaxi", "Airport taxi", null, new RefundTerms("airport-taxi", 4000, 2, true, "EUR"));
        return id;
    }
}

[CollectionDefinition(Name)]
public sealed class RewardsCollection : ICollectionFixture<RewardsFixture>
{
    public const string Name = "rewards";
}

[Collection(RewardsCollection.Name)]
public abstract class RewardsTest(RewardsFixture fixture) : IAsyncLifetime
{
    protected RewardsFixture Fixture { get; } = fixture;
    protected BenefitProgramApp App => Fixture.App;

    public virtual Task InitializeAsync() => Fixture.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
