namespace BenefitProgram.Host.Portal.Forms;

public sealed class SignInForm
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}

public sealed class BrandingForm
{
    public string? Name { get; set; }
    public string? PrimaryColor { get; set; }
    public string? AccentColor { get; set; }
    public string? LogoUrl { get; set; }
}

public sealed class ApiKeyForm
{
    public string? Name { get; set; }
}

public sealed class RevokeForm
{
    public Guid Id { get; set; }
}
