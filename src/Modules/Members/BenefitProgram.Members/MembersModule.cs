using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Persistence;
using BenefitProgram.Members.AuditLog;
using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Demo;
using BenefitProgram.Members.Entitlements;
using BenefitProgram.Members.Gdpr;
using BenefitProgram.Members.Import;
using BenefitProgram.Members.MyMembership;
using BenefitProgram.Members.Operators;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Members.Plans;
using BenefitProgram.Members.SignUp;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Members;

/// <summary>Members, plans, memberships and their life cycle, billing (offline or Stripe), fee history, GDPR.</summary>
public static class MembersModule
{
    public static IServiceCollection AddMembers(this IServiceCollection services)
    {
        services.AddModuleDbContext<MembersDbContext>(MembersDbContext.SchemaName);
        services.AddValidatorsFromAssembly(typeof(MembersModule).Assembly, includeInternalTypes: true);

        // Billing: Billing:Provider = Offline (default) | Stripe; Billing:Stripe:{ApiKey,WebhookSecret,ApiBase}; Billing:Dunning:*.
        services.AddOptions<BillingOptions>().BindConfiguration("Billing");
        services.AddKeyedScoped<IBillingProvider, OfflineBillingProvider>(OfflineBillingProvider.ProviderName);
        services.AddKeyedScoped<IBillingProvider, StripeBillingProvider>(StripeBillingProvider.ProviderName);
        services.AddScoped<MembershipBilling>();
        // First in line: the host's catch-all handler (registered earlier) would answer a Stripe failure with a 500.
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, StripeExceptionHandler>());
        services.AddScoped<MembershipActions>();
        services.AddScoped<SignUpService>();
        services.AddScoped<MemberDataExport>();
        services.AddScoped<MemberErasure>();
        services.AddScoped<IMemberEntitlements, MemberEntitlements>();
        services.AddScoped<IMemberContacts, MemberContacts>();
        services.AddScoped<IMemberConsents, MemberConsents>();
        services.AddScoped<IDemoSeeder, MembersDemoSeeder>();

        services.AddScoped<BillingRunJob>();
        services.AddScoped<INightlyJob, BillingNightStep>();
        services.AddScoped<INightlyJob, TrialEndingStep>();
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddMembersConsumers(this IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapMembers(this IEndpointRouteBuilder api)
    {
        api.MapPlans();
        api.MapSignUp();
        api.MapMyMembership();
        api.MapMemberAdmin();
        api.MapAuditLog();
        api.MapImportMembers();
        api.MapStripeWebhook();
        return api;
    }
}
