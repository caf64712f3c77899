using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Persistence;
using BenefitProgram.Rewards.Cashback;
using BenefitProgram.Rewards.Claims;
using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.KeyFinder;
using BenefitProgram.Rewards.Ledger;
using BenefitProgram.Rewards.Payouts;
using BenefitProgram.Rewards.Persistence;
using BenefitProgram.Rewards.Purchases;
using BenefitProgram.Rewards.Statements;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Rewards;

/// <summary>Purchases and cashback, returns, refund claims, the double-entry ledger, payouts, the key-finder service.</summary>
public static class RewardsModule
{
    public static IServiceCollection AddRewards(this IServiceCollection services)
    {
        services.AddModuleDbContext<RewardsDbContext>(RewardsDbContext.SchemaName);
        services.AddValidatorsFromAssembly(typeof(RewardsModule).Assembly, includeInternalTypes: true);
        services.AddScoped<PurchaseImporter>();
        services.AddScoped<ReturnService>();
        services.AddScoped<ClaimService>();
        services.AddScoped<PayoutService>();
        services.AddScoped<LedgerQueries>();
        services.AddScoped<IRewardsBalances>(sp => sp.GetRequiredService<LedgerQueries>());
        services.AddScoped<IMemberBenefitStatement>(sp => sp.GetRequiredService<LedgerQueries>());
        services.AddScoped<INightlyJob, ConfirmCashbackJob>();
        services.AddScoped<INightlyJob, PreparePayoutsJob>();
        services.AddKeyFinderRateLimit();
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddRewardsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<FeeChargedConsumer>();
        bus.AddConsumer<Gdpr.MemberErasedConsumer>();
    }

    public static IEndpointRouteBuilder MapRewards(this IEndpointRouteBuilder api)
    {
        api.MapPurchases();
        api.MapLedger();
        api.MapClaims();
        api.MapPayouts();
        api.MapKeyFinder();
        return api;
    }
}
