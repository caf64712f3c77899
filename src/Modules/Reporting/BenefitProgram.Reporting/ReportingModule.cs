using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Persistence;
using BenefitProgram.Reporting.Persistence;
using BenefitProgram.Reporting.Reports;
using BenefitProgram.Reporting.Snapshots;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Reporting;

/// <summary>KPI snapshots, churn, program effect, partner revenue and statements, economics, barometer (docs/reports.md).</summary>
public static class ReportingModule
{
    public static IServiceCollection AddReporting(this IServiceCollection services)
    {
        services.AddModuleDbContext<ReportingDbContext>(ReportingDbContext.SchemaName);
        services.AddValidatorsFromAssembly(typeof(ReportingModule).Assembly, includeInternalTypes: true);
        services.AddSingleton<ReportingFaults>();
        services.AddScoped<ReportingSql>();
        services.AddScoped<ReportQueries>();
        services.AddScoped<INightlyJob, KpiSnapshotStep>();
        services.AddScoped<INightlyJob, MonthlyRetentionStep>();
        services.AddScoped<INightlyJob, PartnerStatementsStep>();
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddReportingConsumers(this IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapReporting(this IEndpointRouteBuilder api)
    {
        api.MapReports();
        api.MapBarometerAssessments();
        return api;
    }
}
