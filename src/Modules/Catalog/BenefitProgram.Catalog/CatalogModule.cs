using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Demo;
using BenefitProgram.Catalog.Eligibility;
using BenefitProgram.Catalog.Offers;
using BenefitProgram.Catalog.Partners;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Catalog.Ratings;
using BenefitProgram.Catalog.Redemptions;
using BenefitProgram.Catalog.Retention;
using BenefitProgram.Catalog.Search;
using BenefitProgram.Catalog.Uploads;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Persistence;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Catalog;

/// <summary>Partners, offers and their review workflow, CSV uploads, coupon pools, member search and redemptions.</summary>
public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddModuleDbContext<CatalogDbContext>(CatalogDbContext.SchemaName);
        // LocalizedTextValidator is a child validator built with its length limit; it is not a request validator.
        services.AddValidatorsFromAssembly(typeof(CatalogModule).Assembly, includeInternalTypes: true,
            filter: r => r.ValidatorType != typeof(Offers.LocalizedTextValidator));
        services.AddHttpContextAccessor();

        services.AddScoped<IMemberEligibility, MemberEntitlementEligibility>();

        services.AddSingleton<PassSigner>();
        services.AddScoped<RedeemOffer>();
        services.AddRedemptionRateLimits();
        services.AddMemoryCache();
        services.AddScoped<OfferSearch>();
        services.AddScoped<IOfferDirectory, OfferDirectory>();
        services.AddScoped<IPartnerDirectory, PartnerDirectory>();
        services.AddScoped<IClickAttribution, ClickAttribution>();
        services.AddScoped<IDemoSeeder, CatalogDemoSeeder>();
        services.AddOptions<CatalogRetentionOptions>().BindConfiguration("Catalog:Retention");
        services.AddScoped<INightlyJob, RetentionJob>();
        services.AddScoped<OfferLifecycleJob>();
        services.AddSingleton<IRecurringJobDefinition>(new RecurringJobDefinition<OfferLifecycleJob>(
            "catalog:offer-lifecycle", "*/15 * * * *", job => job.RunAsync(CancellationToken.None)));
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddCatalogConsumers(this IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder api)
    {
        api.MapPartners();
        api.MapOffers();
        api.MapOfferUpload();
        api.MapCouponCodes();
        api.MapSearch();
        api.MapRedemptions();
        api.MapOfferRatings();
        return api;
    }
}
