using BenefitProgram.Common.Persistence;
using BenefitProgram.Rewards.Persistence;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Rewards;

public static class RewardsModule
{
    public static IServiceCollection AddRewards(this IServiceCollection services)
    {
        services.AddModuleDbContext<RewardsDbContext>(RewardsDbContext.SchemaName);
        services.AddValidatorsFromAssembly(typeof(RewardsModule).Assembly, includeInternalTypes: true);
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddRewardsConsumers(this IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapRewards(this IEndpointRouteBuilder api) => api;
}
