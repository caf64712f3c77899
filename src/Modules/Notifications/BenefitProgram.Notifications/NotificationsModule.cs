using BenefitProgram.Common.Persistence;
using BenefitProgram.Notifications.Email;
using BenefitProgram.Notifications.Log;
using BenefitProgram.Notifications.Persistence;
using BenefitProgram.Notifications.Unsubscribe;
using BenefitProgram.Notifications.Webhooks;
using BenefitProgram.Common.Jobs;
using FluentValidation;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Notifications;

/// <summary>E-mail to members and partners (SMTP, MailKit) on integration events, deduplicated per event and recipient; the notification log; signed webhooks to partner systems.</summary>
public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddModuleDbContext<NotificationsDbContext>(NotificationsDbContext.SchemaName);
        // Notifications:Smtp:Host/Port/From (User, Password, UseTls, TimeoutSeconds). Without a Host no mail is sent.
        services.AddOptions<SmtpOptions>().BindConfiguration("Notifications:Smtp");
        services.AddSingleton<SmtpMailSender>();
        services.AddScoped<MemberMailer>();
        services.AddScoped<PartnerMailer>();
        // Notifications:PublicBaseUrl: where members reach the API, for the unsubscribe link of marketing mails.
        services.AddOptions<MailLinkOptions>().BindConfiguration("Notifications");
        services.AddSingleton<UnsubscribeLinks>();

        // Webhooks: Notifications:Webhooks (AllowPrivateTargets, TimeoutSeconds, MaxResponseBytes, BatchSize, SecretOverlapHours).
        services.AddOptions<WebhookOptions>().BindConfiguration("Notifications:Webhooks");
        services.AddValidatorsFromAssembly(typeof(NotificationsModule).Assembly, includeInternalTypes: true);
        services.AddSingleton<TargetGuard>();
        services.AddScoped<WebhookQueue>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = sp.GetRequiredService<TargetGuard>().ConnectAsync,
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan); // the dispatcher limits each delivery itself
        services.AddSingleton<IRecurringJobDefinition>(new RecurringJobDefinition<WebhookDispatcher>(
            "notifications:webhook-dispatch", "* * * * *", d => d.RunAsync(CancellationToken.None)));
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddNotificationsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MembershipMailConsumer>();
        bus.AddConsumer<RewardsMailConsumer>();
        bus.AddConsumer<PartnerMailConsumer>();
        bus.AddConsumer<MarketingMailConsumer>();
        bus.AddConsumer<WebhookEventConsumer>();
        bus.AddConsumer<Gdpr.NotificationLogErasureConsumer>(); // own queue "notification-log-erasure" (Rewards has "member-erased")
    }

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder api)
    {
        api.MapNotificationLog();
        api.MapWebhooks();
        api.MapOpsWebhooks();
        api.MapUnsubscribe();
        return api;
    }
}
