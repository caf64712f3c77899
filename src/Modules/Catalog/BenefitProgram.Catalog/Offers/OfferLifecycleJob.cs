using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Catalog.Offers;

/// <summary>
/// Every 15 minutes: approved offers whose validity has begun go live, offers whose validity has ended expire, and coupon
/// pools that ran low are announced once (CouponStockLow; re-armed by the next code upload). Running it twice changes nothing.
/// Members' search and redemption check the validity window themselves, so a late run never shows an expired offer.
/// </summary>
internal sealed class OfferLifecycleJob(CatalogDbContext db, TimeProvider clock)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.Offers
            .Where(o => (o.Status == OfferStatus.Approved && o.ValidFrom <= now)
                || ((o.Status == OfferStatus.Approved || o.Status == OfferStatus.Live || o.Status == OfferStatus.Paused) && o.ValidUntil <= now))
            .OrderBy(o => o.Id).Take(5000).ToListAsync(ct);
        foreach (var offer in due)
        {
            if (offer.ExpireIfDue(now))
            {
                db.Publish(new OfferExpired(offer.Id, offer.PartnerId, offer.ProgramId, now), now);
            }
            else if (offer.GoLiveIfDue(now))
            {
                db.Publish(new OfferWentLive(offer.Id, offer.PartnerId, offer.ProgramId, offer.Kind, now), now);
            }
        }

        var low = await db.Database.SqlQuery<LowPool>($"""
            SELECT o.id AS offer_id, o.partner_id, o.program_id,
                   count(*) FILTER (WHERE c.assigned_at IS NULL) AS remaining, count(*) AS total
            FROM catalog.offers o JOIN catalog.coupon_codes c ON c.offer_id = o.id
            WHERE o.status = 'Live' AND o.stock_low_alerted_at IS NULL
            GROUP BY o.id, o.partner_id, o.program_id
            HAVING count(*) FILTER (WHERE c.assigned_at IS NULL) <= GREATEST(10, count(*) / 10)
            """).ToListAsync(ct);
        foreach (var pool in low)
        {
            db.Publish(new CouponStockLow(pool.OfferId, pool.PartnerId, pool.ProgramId, pool.Remaining, pool.Total, now), now);
        }

        var lowIds = low.Select(l => l.OfferId).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Offers.Where(o => lowIds.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.StockLowAlertedAt, now), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private sealed record LowPool(Guid OfferId, Guid PartnerId, Guid ProgramId, long Remaining, long Total);
}
