using BenefitProgram.Common.Persistence;
using BenefitProgram.Notifications.Email;
using BenefitProgram.Notifications.Log;
using BenefitProgram.Notifications.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Notifications;

/// <summary>E-mail to members (SMTP, MailKit) on integration events, deduplicated per event and recipient; the notification log.</summary>
public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddModuleDbContext<NotificationsDbContext>(NotificationsDbContext.SchemaName);
        // Notifications:Smtp:Host/Port/From (User, Password, UseTls, TimeoutSeconds). Without a Host no mail is sent.
        services.AddOptions<SmtpOptions>().BindConfiguration("Notifications:Smtp");
        services.AddSingleton<SmtpMailSender>();
        services.AddScoped<MemberMailer>();
        return services;
    }

    /// <summary>The module's message consumers; the host adds them to the one MassTransit bus.</summary>
    public static void AddNotificationsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MembershipMailConsumer>();
        bus.AddConsumer<RewardsMailConsumer>();
        bus.AddConsumer<Gdpr.NotificationLogErasureConsumer>(); // own queue "notification-log-erasure" (Rewards has "member-erased")
    }

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder api)
    {
        api.MapNotificationLog();
        return api;
    }
}
