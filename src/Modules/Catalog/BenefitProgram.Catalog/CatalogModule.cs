using BenefitProgram.Common.Persistence;
using BenefitProgram.Catalog.Persistence;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Catalog;

public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddModuleDbContext<CatalogDbContext>(CatalogDbContext.SchemaName);
        services.AddValidatorsFromAssembly(typeof(CatalogModule).Assembly, includeInternalTypes: true);
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddCatalogConsumers(this IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder api) => api;
}
