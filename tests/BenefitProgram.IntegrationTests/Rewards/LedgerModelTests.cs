using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Rewards.Claims;
using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Payouts;
using BenefitProgram.Rewards.Purchases;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Rewards;

/// <summary>
/// Model-based property test: random sequences of purchases (with duplicate order references), partial and full returns
/// (with repeated return references), confirmations, payout preparations (some for a period already prepared), paid and
/// failed payout lines (claw-backs follow from returns after payout) and refund claims (some repeated) run against the
/// real services and database. After every step: every journal balances, all entries sum to zero, and each member's
/// balances equal both the plain sums of their entries and a small in-memory model.
/// </summary>
public sealed class LedgerModelTests(RewardsFixture fixture) : RewardsTest(fixture)
{
    private const int Members = 3;
    private static readonly DateTimeOffset PurchasedAt = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Trip = new(2026, 12, 20);

    public abstract record Op;
    public sealed record Buy(int Member, int OrderRef, long Amount) : Op;
    public sealed record Return(int OrderRef, int ReturnRef, int Percent) : Op;
    public sealed record Confirm : Op;
    public sealed record Prepare(int Period) : Op;
    public sealed record Result(int Line, bool Paid) : Op;
    public sealed record Claim(int Member, long Amount, int Receipt) : Op;

    private static readonly Gen<Op> OpGen = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, Members - 1], Gen.Int[0, 15], Gen.Long[1, 400_000], (m, o, a) => (Op)new Buy(m, o, a))),
        (4, Gen.Select(Gen.Int[0, 15], Gen.Int[0, 2], Gen.Int[1, 100], (o, r, p) => (Op)new Return(o, r, p))),
        (2, Gen.Const((Op)new Confirm())),
        (1, Gen.Int[0, 3].Select(p => (Op)new Prepare(p))),
        (2, Gen.Select(Gen.Int[0, 9], Gen.Bool, (l, p) => (Op)new Result(l, p))),
        (2, Gen.Select(Gen.Int[0, Members - 1], Gen.Long[1, 6_000], Gen.Int[0, 5], (m, a, r) => (Op)new Claim(m, a, r))));

    private sealed class ModelPurchase
    {
        public int Member;
        public long Amount;
        public long Returned;
        public long Original;
        public long Cashback;
        public string State = "";
        public Dictionary<int, long> Returns = [];
    }

    private sealed class Model
    {
        public long[] Pending = new long[Members];
        public long[] Available = new long[Members];
        public long[] InPayout = new long[Members];
        public long[] Paid = new long[Members];
        public Dictionary<int, ModelPurchase> Purchases = [];
        public HashSet<int> Periods = [];
        public List<(int Member, long Amount, bool Open)> Lines = [];
        public Dictionary<(int, int), bool> Receipts = [];
        public int[] ClaimsThisYear = new int[Members];
    }

    [Fact]
    public async Task Random_operations_keep_every_journal_balanced_and_every_balance_equal_to_its_entries_and_the_model()
    {
        await Gen.Int[30, 80].SelectMany(n => OpGen.Array[n]).SampleAsync(RunAsync, iter: 4, threads: 1);
    }

    private async Task RunAsync(Op[] ops)
    {
        await Fixture.ResetAsync();
        var partner = Fixture.AddPartner(BenefitProgram.Catalog.Contracts.CashbackFunding.Shared, shareBasisPoints: 3_333, commissionBasisPoints: 250);
        var offer = Fixture.AddCashbackOffer(partner, windowDays: 0);
        var taxi = Fixture.AddTaxiOffer(Fixture.AddPartner(BenefitProgram.Catalog.Contracts.CashbackFunding.Program, shareBasisPoints: 0));
        var members = Enumerable.Range(0, Members).Select(i => Fixture.AddMember(number: $"90000{i}")).ToArray();
        var model = new Model();
        var lineIds = new List<Guid>();
        var step = 0;
        foreach (var op in ops)
        {
            step++;
            await using var scope = Fixture.App.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            switch (op)
            {
                case Buy b:
                {
                    await sp.GetRequiredService<PurchaseImporter>().ImportAsync(partner,
                        [new PurchaseReport($"O-{b.OrderRef}", null, $"90000{b.Member}", offer, b.Amount, "EUR", PurchasedAt, Trip)], "model", CancellationToken.None);
                    if (!model.Purchases.ContainsKey(b.OrderRef))
                    {
                        var cb = new BenefitProgram.Common.Money(b.Amount, "EUR").Percent(500).MinorUnits;
                        model.Purchases[b.OrderRef] = new ModelPurchase { Member = b.Member, Amount = b.Amount, Original = cb, Cashback = cb, State = cb == 0 ? "Declined" : "Pending" };
                        model.Pending[b.Member] += cb;
                    }

                    break;
                }

                case Return r:
                {
                    if (!model.Purchases.TryGetValue(r.OrderRef, out var p))
                    {
                        break;
                    }

                    // The amount follows from the return reference and the purchase, so a repeat carries the same amount.
                    var amount = Math.Max(1, p.Amount * r.Percent / 100);
                    if (p.Returns.TryGetValue(r.ReturnRef, out var earlier))
                    {
                        amount = earlier;
                    }

                    await sp.GetRequiredService<ReturnService>().RecordAsync(partner, $"O-{r.OrderRef}", new ReturnReport($"R-{r.ReturnRef}", amount, null), "model", CancellationToken.None);
                    if (p.Returns.ContainsKey(r.ReturnRef) || amount > p.Amount - p.Returned)
                    {
                        break;
                    }

                    p.Returns[r.ReturnRef] = amount;
                    p.Returned += amount;
                    if (p.State == "Declined")
                    {
                        break;
                    }

                    var newCashback = (long)Math.Round((decimal)p.Original * (p.Amount - p.Returned) / p.Amount, 0, MidpointRounding.AwayFromZero);
                    var reduction = p.Cashback - newCashback;
                    if (p.State == "Pending") { model.Pending[p.Member] -= reduction; } else { model.Available[p.Member] -= reduction; }
                    p.Cashback = newCashback;
                    if (p.Returned == p.Amount)
                    {
                        p.State = "Reversed";
                    }

                    break;
                }

                case Confirm:
                {
                    await sp.GetServices<INightlyJob>().Single(j => j.Name == "rewards:confirm-cashback").RunAsync(new DateOnly(2026, 12, 29), CancellationToken.None);
                    foreach (var p in model.Purchases.Values.Where(p => p.State == "Pending"))
                    {
                        model.Pending[p.Member] -= p.Cashback;
                        model.Available[p.Member] += p.Cashback;
                        p.State = "Confirmed";
                    }

                    break;
                }

                case Prepare pr:
                {
                    var batch = await sp.GetRequiredService<PayoutService>().PrepareAsync(RewardsFixture.Program, $"2027-0{pr.Period + 1}", "EUR", "model", CancellationToken.None);
                    if (model.Periods.Add(pr.Period))
                    {
                        for (var m = 0; m < Members; m++)
                        {
                            if (model.Available[m] >= 500)
                            {
                                model.Lines.Add((m, model.Available[m], true));
                                model.InPayout[m] += model.Available[m];
                                model.Available[m] = 0;
                            }
                        }

                        var db = sp.GetRequiredService<BenefitProgram.Rewards.Persistence.RewardsDbContext>();
                        lineIds.AddRange(db.PayoutLines.Where(l => l.BatchId == batch.BatchId).AsEnumerable()
                            .OrderBy(l => Array.IndexOf(members, l.MemberId)).Select(l => l.Id));
                    }

                    Assert.Equal(model.Lines.Count, lineIds.Count);
                    break;
                }

                case Result res:
                {
                    if (res.Line >= lineIds.Count)
                    {
                        break;
                    }

                    var batchId = sp.GetRequiredService<BenefitProgram.Rewards.Persistence.RewardsDbContext>().PayoutLines.Single(l => l.Id == lineIds[res.Line]).BatchId;
                    await sp.GetRequiredService<PayoutService>().ApplyResultsAsync(RewardsFixture.Program, batchId,
                        [new PayoutLineResult(lineIds[res.Line], res.Paid ? "Paid" : "Failed", "model")], "model", CancellationToken.None);
                    var line = model.Lines[res.Line];
                    if (line.Open)
                    {
                        model.InPayout[line.Member] -= line.Amount;
                        if (res.Paid) { model.Paid[line.Member] += line.Amount; } else { model.Available[line.Member] += line.Amount; }
                        model.Lines[res.Line] = line with { Open = false };
                    }

                    break;
                }

                case Claim c:
                {
                    var receipt = System.Text.Encoding.ASCII.GetBytes($"%PDF-1.4 member {c.Member} receipt {c.Receipt}");
                    await sp.GetRequiredService<ClaimService>().SubmitAsync(RewardsFixture.Program, members[c.Member],
                        new ClaimSubmission(taxi, c.Amount, "EUR", Trip, null, receipt, "r.pdf"), "model", CancellationToken.None);
                    if (model.Receipts.TryAdd((c.Member, c.Receipt), true) && model.ClaimsThisYear[c.Member] < 2)
                    {
                        model.ClaimsThisYear[c.Member]++; // approved or waiting in review: both use the allowance
                        if (model.Purchases.Values.Any(p => p.Member == c.Member && p.State != "Reversed"))
                        {
                            model.Available[c.Member] += Math.Min(c.Amount, 4_000);
                        }
                    }

                    break;
                }
            }

            await CheckAsync(sp, members, model, $"step {step}: {op}");
        }
    }

    private async Task CheckAsync(IServiceProvider sp, Guid[] members, Model model, string where)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using (var cmd = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM (SELECT 1 FROM rewards.journal_entries GROUP BY journal_id, currency HAVING sum(amount) <> 0) x),
                   (SELECT coalesce(sum(amount), 0) FROM rewards.journal_entries),
                   (SELECT count(*) FROM rewards.journals j WHERE NOT EXISTS (SELECT 1 FROM rewards.journal_entries e WHERE e.journal_id = j.id))
            """, connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Assert.True(reader.GetInt64(0) == 0, $"{where}: unbalanced journals");
            Assert.True(reader.GetDecimal(1) == 0, $"{where}: entries do not sum to zero");
            Assert.True(reader.GetInt64(2) == 0, $"{where}: empty journals");
        }

        var balances = sp.GetRequiredService<IRewardsBalances>();
        for (var m = 0; m < Members; m++)
        {
            var sums = new Dictionary<string, long>();
            await using (var cmd = new NpgsqlCommand("SELECT account, sum(amount)::bigint FROM rewards.journal_entries WHERE owner_id = @m GROUP BY account", connection))
            {
                cmd.Parameters.AddWithValue("m", members[m]);
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    sums[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            var expected = new MemberRewardsBalance(members[m], "EUR", model.Pending[m], model.Available[m], model.InPayout[m], model.Paid[m]);
            var fromEntries = new MemberRewardsBalance(members[m], "EUR", sums.GetValueOrDefault("member:pending"), sums.GetValueOrDefault("member:available"),
                sums.GetValueOrDefault("member:in-payout"), sums.GetValueOrDefault("member:paid"));
            var reported = (await balances.GetMemberAsync(RewardsFixture.Program, members[m], CancellationToken.None)).SingleOrDefault()
                ?? new MemberRewardsBalance(members[m], "EUR", 0, 0, 0, 0);
            Assert.True(expected == fromEntries, $"{where}: member {m} entries {fromEntries} but model {expected}");
            Assert.True(expected == reported, $"{where}: member {m} reported {reported} but model {expected}");
        }
    }
}
