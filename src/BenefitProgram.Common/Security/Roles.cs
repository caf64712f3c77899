namespace BenefitProgram.Common.Security;

/// <summary>The three kinds of people (and one kind of machine) that use the platform.</summary>
public static class Roles
{
    public const string Operator = "operator";
    public const string PartnerUser = "partner";
    public const string Member = "member";
}

/// <summary>Claims every authenticated principal carries; they bind it to its program, partner or member.</summary>
public static class BpClaims
{
    public const string UserId = "bp:user";
    public const string ProgramId = "bp:program";
    public const string PartnerId = "bp:partner";
    public const string MemberId = "bp:member";
    public const string PartnerRole = "bp:partner_role";
    public const string ApiKeyId = "bp:api_key";
}

/// <summary>Authorisation policy names. Routes ask for a policy; handlers then check the resource itself.</summary>
public static class Policies
{
    public const string Operator = "operator";
    /// <summary>A partner user (cookie or bearer) or a partner system (API key).</summary>
    public const string Partner = "partner";
    /// <summary>A partner user with the admin role (users, API keys, contract view).</summary>
    public const string PartnerAdmin = "partner-admin";
    public const string Member = "member";
}

public static class AuthSchemes
{
    public const string ApiKey = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";
}
