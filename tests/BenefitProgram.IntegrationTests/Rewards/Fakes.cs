using System.Collections.Concurrent;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Members.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Rewards;

/// <summary>
/// In-memory stand-ins for the Members and Catalog contracts while those modules are built elsewhere. Registered through
/// the app's configureServices hook (after the modules), so production code keeps using the real implementations.
/// </summary>
public sealed class RewardsFakes : IMemberEntitlements, IOfferDirectory, IPartnerDirectory, IClickAttribution
{
    /// <summary>Entitlements by member, each valid from an instant (the latest one at or before the asked instant applies).</summary>
    private readonly ConcurrentDictionary<Guid, List<(DateTimeOffset From, MemberEntitlement Entitlement)>> members = new();
    public ConcurrentDictionary<Guid, OfferTerms> Offers { get; } = new();
    public ConcurrentDictionary<Guid, PartnerInfo> Partners { get; } = new();
    public ConcurrentDictionary<string, ClickInfo> Clicks { get; } = new();

    public void Reset()
    {
        members.Clear();
        Offers.Clear();
        Partners.Clear();
        Clicks.Clear();
    }

    public static void Register(IServiceCollection services, RewardsFakes fakes)
    {
        services.AddSingleton(fakes);
        services.AddSingleton<IMemberEntitlements>(fakes);
        services.AddSingleton<IOfferDirectory>(fakes);
        services.AddSingleton<IPartnerDirectory>(fakes);
        services.AddSingleton<IClickAttribution>(fakes);
    }

    public void SetMember(MemberEntitlement entitlement, DateTimeOffset? from = null)
    {
        var list = members.GetOrAdd(entitlement.MemberId, _ => []);
        lock (list)
        {
            list.Add((from ?? DateTimeOffset.MinValue, entitlement));
            list.Sort((a, b) => a.From.CompareTo(b.From));
        }
    }

    public Task<MemberEntitlement?> GetAsync(Guid programId, Guid memberId, CancellationToken ct) => GetAsync(programId, memberId, DateTimeOffset.MaxValue, ct);

    public Task<MemberEntitlement?> GetAsync(Guid programId, Guid memberId, DateTimeOffset at, CancellationToken ct)
    {
        if (!members.TryGetValue(memberId, out var list))
        {
            return Task.FromResult<MemberEntitlement?>(null);
        }

        lock (list)
        {
            var e = list.LastOrDefault(x => x.From <= at).Entitlement;
            return Task.FromResult(e is not null && e.ProgramId == programId ? e : null);
        }
    }

    public async Task<IReadOnlyDictionary<Guid, MemberEntitlement>> GetManyAsync(Guid programId, IReadOnlyCollection<Guid> memberIds, CancellationToken ct)
    {
        var result = new Dictionary<Guid, MemberEntitlement>();
        foreach (var id in memberIds)
        {
            if (await GetAsync(programId, id, ct) is { } e)
            {
                result[id] = e;
            }
        }

        return result;
    }

    public Task<Guid?> FindMemberIdByNumberAsync(Guid programId, string memberNumber, CancellationToken ct) =>
        Task.FromResult(members.Values.Select(l => { lock (l) { return l[^1].Entitlement; } })
            .FirstOrDefault(e => e.ProgramId == programId && e.MemberNumber == memberNumber)?.MemberId);

    public Task<IReadOnlyDictionary<string, Guid>> FindMemberIdsByNumberAsync(Guid programId, IReadOnlyCollection<string> memberNumbers, CancellationToken ct)
    {
        var wanted = memberNumbers.ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var list in members.Values)
        {
            lock (list)
            {
                var e = list[^1].Entitlement;
                if (e.ProgramId == programId && wanted.Contains(e.MemberNumber))
                {
                    result[e.MemberNumber] = e.MemberId;
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, Guid>>(result);
    }

    public Task<IReadOnlyDictionary<Guid, MemberEntitlementTimeline>> GetTimelinesAsync(Guid programId, IReadOnlyCollection<Guid> memberIds, CancellationToken ct)
    {
        var result = new Dictionary<Guid, MemberEntitlementTimeline>();
        foreach (var id in memberIds.Distinct())
        {
            if (members.TryGetValue(id, out var list))
            {
                lock (list)
                {
                    result[id] = new MemberEntitlementTimeline(list.Select(x => (x.From, x.Entitlement.ProgramId == programId ? x.Entitlement : null)).ToList());
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<Guid, MemberEntitlementTimeline>>(result);
    }

    public Task<IReadOnlyDictionary<string, ClickInfo>> FindManyAsync(IReadOnlyCollection<string> clickIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<string, ClickInfo>>(clickIds.Distinct(StringComparer.Ordinal)
            .Where(Clicks.ContainsKey).ToDictionary(c => c, c => Clicks[c], StringComparer.Ordinal));

    public Task<OfferTerms?> GetAsync(Guid offerId, CancellationToken ct) => Task.FromResult(Offers.GetValueOrDefault(offerId));

    public Task<IReadOnlyList<OfferTerms>> ListAsync(Guid programId, OfferKind? kind, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<OfferTerms>>(Offers.Values.Where(o => o.ProgramId == programId && (kind is null || o.Kind == kind)).ToList());

    Task<PartnerInfo?> IPartnerDirectory.GetAsync(Guid partnerId, CancellationToken ct) => Task.FromResult(Partners.GetValueOrDefault(partnerId));

    public Task<IReadOnlyList<PartnerInfo>> ListByProgramAsync(Guid programId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<PartnerInfo>>(Partners.Values.Where(p => p.ProgramIds.Contains(programId)).ToList());

    public Task<ClickInfo?> FindAsync(string clickId, CancellationToken ct) => Task.FromResult(Clicks.GetValueOrDefault(clickId));
}
