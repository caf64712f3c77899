using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Domain;
using BenefitProgram.Catalog.Offers;
using BenefitProgram.Catalog.Redemptions;
using Microsoft.Extensions.Configuration;

namespace BenefitProgram.UnitTests.Catalog;

public sealed class CatalogRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 7, 0, 0, TimeSpan.Zero);

    private static PassSigner Signer(string key) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Catalog:PassSigningKey"] = key }).Build());

    private static OfferInput Coupon(string title = "Kino") => new(
        OfferKind.Coupon, "leisure", new LocalizedText(title, "Cinema"), new LocalizedText("Beschreibung", "Description"), null, null,
        Now.AddDays(-1), Now.AddDays(30), ["plus"], null, null, null, null, null, "EUR", null, new CouponDetails(null), null, null, null);

    [Fact]
    public void A_signed_pass_reads_back_and_any_change_or_another_key_breaks_it()
    {
        var id = Guid.NewGuid();
        var token = Signer("key-1").Sign(id, Now.AddMinutes(15));

        Assert.True(Signer("key-1").TryRead(token, out var read, out var expires));
        Assert.Equal(id, read);
        Assert.Equal(Now.AddMinutes(15), expires);
        Assert.False(Signer("key-2").TryRead(token, out _, out _));
        Assert.False(Signer("key-1").TryRead(token.Replace("BP1.", "BP2.", StringComparison.Ordinal), out _, out _));
        var chars = token.ToCharArray();
        chars[6] = chars[6] == 'A' ? 'B' : 'A';
        Assert.False(Signer("key-1").TryRead(new string(chars), out _, out _));
    }

    [Fact]
    public void The_workflow_allows_only_its_steps()
    {
        var offer = Offer.CreateDraft(Guid.NewGuid(), Guid.NewGuid(), "Kino", Guid.NewGuid(), Coupon(), "partner", Now);
        Assert.Throws<OfferRuleException>(() => offer.Approve("ops", Now));
        Assert.Throws<OfferRuleException>(() => offer.Pause("partner", Now));
        offer.Submit("partner", Now);
        Assert.Throws<OfferRuleException>(() => offer.Submit("partner", Now));
        Assert.True(offer.Approve("ops", Now).WentLive);
        Assert.Equal(OfferStatus.Live, offer.Status);

        offer.Edit(Coupon("Kino 2"), "partner", Now);
        Assert.Equal("Kino", offer.TitleDe);
        Assert.Equal(2, offer.PendingRevision!.Number);
        Assert.Throws<OfferRuleException>(() => offer.Edit(Coupon() with { Kind = OfferKind.Discount, Coupon = null, Discount = new DiscountDetails(1000, null) }, "partner", Now));

        offer.Withdraw("partner", Now);
        Assert.Throws<OfferRuleException>(() => offer.Edit(Coupon("Kino 3"), "partner", Now));
        Assert.Throws<OfferRuleException>(() => offer.Withdraw("partner", Now));
        Assert.Equal(["created", "submitted", "approved", "went live", "revision 2 edited", "withdrawn"], offer.History.Select(h => h.Action).ToList());
    }

    [Fact]
    public void Expiry_happens_at_the_end_of_validity_only()
    {
        var offer = Offer.CreateDraft(Guid.NewGuid(), Guid.NewGuid(), "Kino", Guid.NewGuid(), Coupon(), "partner", Now);
        offer.Submit("p", Now);
        offer.Approve("o", Now);
        Assert.False(offer.ExpireIfDue(Now.AddDays(29)));
        Assert.True(offer.ExpireIfDue(Now.AddDays(30)));
        Assert.Equal(OfferStatus.Expired, offer.Status);
    }

    [Theory]
    [InlineData(LimitPeriod.Month, "2026-11")]
    [InlineData(LimitPeriod.Year, "2026")]
    [InlineData(LimitPeriod.Lifetime, "all")]
    public void Limits_count_per_calendar_period(LimitPeriod period, string key) =>
        Assert.Equal(key, RedeemOffer.PeriodKey(period, Now));

    [Theory]
    [InlineData("https://shop.example/a", "https://shop.example/a?bp_click=c1")]
    [InlineData("https://shop.example/a?x=1", "https://shop.example/a?x=1&bp_click=c1")]
    [InlineData("https://shop.example/a?ref={clickId}", "https://shop.example/a?ref=c1")]
    public void The_click_id_travels_in_the_redirect(string landing, string expected) =>
        Assert.Equal(expected, RedeemOffer.RedirectUrl(landing, "c1"));

    [Theory]
    [InlineData("=cmd|' /C calc'!A0")]
    [InlineData("+SUM(A1)")]
    [InlineData("@import")]
    [InlineData("-1+2")]
    [InlineData("WITH SPACE")]
    [InlineData("")]
    public void Suspicious_coupon_codes_are_refused(string code) => Assert.NotNull(CouponCodeRules.Check(code));

    [Fact]
    public void Cashback_terms_use_the_plan_rate_when_there_is_one()
    {
        var terms = new CashbackTerms(500, null, 0, null, null, 30, new Dictionary<string, int> { ["premium"] = 700 }, "EUR");
        Assert.Equal(700, terms.RateFor("premium"));
        Assert.Equal(500, terms.RateFor("plus"));
    }
}
