using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BenefitProgram.IntegrationTests.Members.MembersTestKit;

namespace BenefitProgram.IntegrationTests.Members;

public sealed class MembersDemoSeedTests(AppFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_demo_seed_creates_plans_members_with_history_and_the_demo_sign_in_and_runs_only_once()
    {
        for (var run = 0; run < 2; run++)
        {
            await using var scope = App.Services.CreateAsyncScope();
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 10))
            {
                await seeder.SeedAsync(CancellationToken.None);
            }
        }

        Assert.Equal(300, await DbAsync(App, db => db.Members.CountAsync()));
        Assert.Equal(6, await DbAsync(App, db => db.Plans.CountAsync()));
        Assert.True(await DbAsync(App, db => db.Transitions.CountAsync(t => t.ToStatus == MembershipStatus.Cancelled)) > 20);
        Assert.True(await DbAsync(App, db => db.Memberships.CountAsync(m => m.Status == MembershipStatus.Ended)) > 10);
        Assert.True(await DbAsync(App, db => db.Fees.CountAsync()) > 1000);

        var anna = await Fixture.SignInAsync("anna.schmidt@example.com", "Demo-Member-2026");
        var membership = await anna.GetFromJsonAsync<JsonElement>("/api/v1/me/membership");
        Assert.Equal("premium", membership.GetProperty("plan").GetProperty("code").GetString());
        Assert.Equal("Active", membership.GetProperty("status").GetString());
        var plans = await Fixture.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/programs/{DemoIds.OtherSlug}/plans");
        Assert.Equal(3, plans.GetArrayLength());
    }
}
