using BenefitProgram.Common;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Persistence;
using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Accounts;
using BenefitProgram.Platform.ApiKeys;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Platform.Idempotency;
using BenefitProgram.Platform.Jobs;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Platform.Persistence;
using BenefitProgram.Platform.Programs;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.Platform;

/// <summary>Programs (tenants), sign-in (Identity, bearer tokens, partner API keys), idempotency records.</summary>
public static class PlatformModule
{
    /// <summary>Chooses the sign-in scheme per request: an API key, a bearer token or the portal cookie.</summary>
    public const string SmartScheme = "Smart";

    public static IServiceCollection AddPlatform(this IServiceCollection services)
    {
        services.AddModuleDbContext<PlatformDbContext>(PlatformDbContext.SchemaName);
        services.AddDbContext<AccountsDbContext>((sp, options) => options
            .UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), o => o.MigrationsHistoryTable("__EFMigrationsHistory", AccountsDbContext.SchemaName))
            .UseSnakeCaseNamingConvention());
        services.AddSingleton<IModuleDatabase, AccountsDatabase>();

        services.AddDataProtection().SetApplicationName("BenefitProgram").PersistKeysToDbContext<AccountsDbContext>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "API key, bearer token or cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(AuthSchemes.ApiKeyHeader) ? AuthSchemes.ApiKey
                : context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? IdentityConstants.BearerScheme
                : IdentityConstants.ApplicationScheme)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "bp.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.LoginPath = "/signin";
                o.AccessDeniedPath = "/denied";
                o.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = SecurityStampValidator.ValidatePrincipalAsync;
            })
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = TimeSpan.FromHours(1))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null);

        services.AddIdentityCore<PlatformUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PlatformClaimsFactory>()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Operator, p => p.RequireRole(Roles.Operator).RequireClaim(BpClaims.ProgramId))
            .AddPolicy(Policies.Member, p => p.RequireRole(Roles.Member).RequireClaim(BpClaims.MemberId).RequireClaim(BpClaims.ProgramId))
            .AddPolicy(Policies.Partner, p => p.RequireRole(Roles.PartnerUser).RequireClaim(BpClaims.PartnerId))
            .AddPolicy(Policies.PartnerAdmin, p => p.RequireRole(Roles.PartnerUser).RequireClaim(BpClaims.PartnerId)
                .RequireClaim(BpClaims.PartnerRole, nameof(PartnerUserRole.Admin)));

        services.AddScoped<IProgramDirectory, ProgramDirectory>();
        services.AddScoped<IUserAccounts, UserAccounts>();
        services.AddScoped<IAuditActorNames, AuditActorNames>();
        services.AddScoped<IPartnerContacts, PartnerContacts>();
        services.AddScoped<IIdempotencyStore, IdempotencyStore>();
        services.AddScoped<IDemoSeeder, PlatformDemoSeeder>();
        services.AddSingleton<IJobRunLog, JobRunLog>();
        services.AddSingleton<INightRunner, NightRunner>();
        services.AddTransient<NightlyRecurringJob>();
        // One hourly trigger for all program time zones: it runs the nights that are due (docs/adr/0019-nights-per-time-zone.md).
        services.AddSingleton<IRecurringJobDefinition>(sp => new RecurringJobDefinition<NightlyRecurringJob>(
            "platform:night", sp.GetRequiredService<IConfiguration>()["Jobs:NightTriggerCron"] ?? "5 * * * *", job => job.RunAsync(CancellationToken.None)));
        services.AddValidatorsFromAssemblyContaining<SignInRequestValidator>(includeInternalTypes: true);

        // Password guessing: besides the per-account lockout, each address gets a few sign-in attempts a minute.
        services.AddRateLimiter(o => o.AddPolicy(AuthEndpoints.SignInRateLimit, http =>
        {
            var permits = http.RequestServices.GetService<Microsoft.Extensions.Configuration.IConfiguration>()?
                .GetValue("Platform:SignIn:PermitsPerMinute", 30) ?? 30;
            return System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapPlatform(this IEndpointRouteBuilder api)
    {
        api.MapAuth();
        api.MapPrograms();
        api.MapApiKeys();
        api.MapJobs();
        api.MapAuditActorNames();
        return api;
    }

    /// <summary>Portal pages get the sign-in page; API calls and tools get a bare 401/403.</summary>
    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        var wantsPage = !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && !request.Path.StartsWithSegments("/ops/hangfire", StringComparison.OrdinalIgnoreCase)
            && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        if (wantsPage)
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }

    private sealed class AccountsDatabase : IModuleDatabase
    {
        public string Schema => AccountsDbContext.SchemaName;

        public async Task MigrateAsync(IServiceProvider services, CancellationToken ct)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Database.MigrateAsync(ct);
        }
    }
}
