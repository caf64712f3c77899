namespace BenefitProgram.Rewards.Purchases;

/// <summary>Cashback states: Pending → Confirmed → Paid; Declined; Reversed (fully returned).</summary>
internal enum CashbackState
{
    Pending,
    Confirmed,
    Paid,
    Declined,
    Reversed,
}

/// <summary>
/// A purchase or booking a partner reported, and the cashback it earns. Amounts are the current ones (after returns);
/// the originals are kept so partial returns reduce proportionally from the original, never compounding rounding.
/// </summary>
internal sealed class Purchase
{
    public Guid Id { get; init; }
    public Guid ProgramId { get; init; }
    public Guid PartnerId { get; init; }
    public string OrderReference { get; init; } = "";
    public Guid MemberId { get; init; }
    public Guid OfferId { get; init; }
    public string? ClickId { get; init; }
    public long AmountMinor { get; init; }
    public long ReturnedMinor { get; set; }
    public string Currency { get; init; } = "";
    public DateTimeOffset PurchasedAt { get; init; }
    public DateOnly? ServiceDate { get; init; }
    /// <summary>The last day a return keeps the cashback pending; the night after it confirms the cashback.</summary>
    public DateOnly WindowEndsOn { get; init; }
    public long CashbackOriginalMinor { get; init; }
    public long CashbackMinor { get; set; }
    public int PartnerShareBasisPoints { get; init; }
    public long PartnerShareMinor { get; set; }
    public long CommissionOriginalMinor { get; init; }
    public long CommissionMinor { get; set; }
    public CashbackState State { get; set; }
    public string? DeclineReason { get; init; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";

    public long RemainingMinor => AmountMinor - ReturnedMinor;

    /// <summary>
    /// Applies a return of <paramref name="returned"/> minor units and answers how much cashback, partner share and
    /// commission it takes back. The new cashback is round_half_away(original × remaining / amount), so several partial
    /// returns end exactly where one return of the same total would.
    /// </summary>
    public ReturnEffect ApplyReturn(long returned)
    {
        if (returned <= 0 || returned > RemainingMinor)
        {
            throw new ArgumentOutOfRangeException(nameof(returned));
        }

        ReturnedMinor += returned;
        var newCashback = Proportion(CashbackOriginalMinor, RemainingMinor, AmountMinor);
        var newPartner = State == CashbackState.Declined ? 0 : Ledger.LedgerWriter.Split(newCashback, PartnerShareBasisPoints).Partner;
        var newCommission = Proportion(CommissionOriginalMinor, RemainingMinor, AmountMinor);
        var fromState = State;
        var effect = new ReturnEffect(
            fromState,
            State == CashbackState.Declined ? 0 : CashbackMinor - newCashback,
            State == CashbackState.Declined ? 0 : PartnerShareMinor - newPartner,
            CommissionMinor - newCommission);
        CommissionMinor = newCommission;
        if (State != CashbackState.Declined && State != CashbackState.Reversed)
        {
            CashbackMinor = newCashback;
            PartnerShareMinor = newPartner;
            if (RemainingMinor == 0)
            {
                State = CashbackState.Reversed;
            }
        }

        return effect;
    }

    public static long Proportion(long original, long remaining, long amount) =>
        amount == 0 ? 0 : (long)Math.Round((decimal)original * remaining / amount, 0, MidpointRounding.AwayFromZero);
}

internal sealed record ReturnEffect(CashbackState FromState, long CashbackReduction, long PartnerShareReduction, long CommissionReduction);

internal sealed class PurchaseReturn
{
    public Guid Id { get; init; }
    public Guid PurchaseId { get; init; }
    public Guid ProgramId { get; init; }
    public Guid PartnerId { get; init; }
    public string ReturnReference { get; init; } = "";
    public long AmountMinor { get; init; }
    public long CashbackReductionMinor { get; init; }
    public string StateBefore { get; init; } = "";
    public DateTimeOffset ReturnedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
