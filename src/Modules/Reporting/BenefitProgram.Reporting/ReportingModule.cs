using BenefitProgram.Common.Persistence;
using BenefitProgram.Reporting.Persistence;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Reporting;

public static class ReportingModule
{
    public static IServiceCollection AddReporting(this IServiceCollection services)
    {
        services.AddModuleDbContext<ReportingDbContext>(ReportingDbContext.SchemaName);
        services.AddValidatorsFromAssembly(typeof(ReportingModule).Assembly, includeInternalTypes: true);
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddReportingConsumers(this IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapReporting(this IEndpointRouteBuilder api) => api;
}
