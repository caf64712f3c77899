using BenefitProgram.Common.Persistence;
using BenefitProgram.Members.Persistence;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Members;

public static class MembersModule
{
    public static IServiceCollection AddMembers(this IServiceCollection services)
    {
        services.AddModuleDbContext<MembersDbContext>(MembersDbContext.SchemaName);
        services.AddValidatorsFromAssembly(typeof(MembersModule).Assembly, includeInternalTypes: true);
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddMembersConsumers(this IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapMembers(this IEndpointRouteBuilder api) => api;
}
