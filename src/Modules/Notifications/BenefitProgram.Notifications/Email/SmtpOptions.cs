namespace BenefitProgram.Notifications.Email;

/// <summary>Notifications:Smtp:Host/Port/From (and optional User/Password/UseTls). No Host: e-mail is switched off.</summary>
internal sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string From { get; set; } = "noreply@benefitprogram.example";
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>STARTTLS when the server offers it (MailKit's Auto); false for plain local catchers.</summary>
    public bool UseTls { get; set; }
    public int TimeoutSeconds { get; set; } = 30;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
