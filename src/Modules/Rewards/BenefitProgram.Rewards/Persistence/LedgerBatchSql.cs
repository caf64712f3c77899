namespace BenefitProgram.Rewards.Persistence;

/// <summary>
/// The balance guarantee for bulk writes (applied by the LedgerBatchCheck migration). A bulk writer (the purchase import)
/// inserts one <c>rewards.ledger_batches</c> row and tags its journals with it. Such journals skip the per-journal deferred
/// trigger; the batch row's own deferred constraint trigger checks every journal of the batch at commit, set-based
/// (each journal has entries and sums to zero per currency). A journal can only name a batch written in the same
/// transaction, so no journal escapes the commit-time check. Journals without a batch keep the per-journal trigger.
/// </summary>
internal static class LedgerBatchSql
{
    public const string Up = """
        CREATE TABLE rewards.ledger_batches (
          id uuid PRIMARY KEY,
          created_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
          created_at timestamptz NOT NULL DEFAULT now());
        CREATE TRIGGER ledger_batches_append_only BEFORE UPDATE OR DELETE ON rewards.ledger_batches
          FOR EACH ROW EXECUTE FUNCTION rewards.ledger_forbid_change();

        ALTER TABLE rewards.journals ADD COLUMN ledger_batch_id uuid;
        CREATE INDEX ix_journals_ledger_batch_id ON rewards.journals (ledger_batch_id) WHERE ledger_batch_id IS NOT NULL;

        -- A journal may only name a batch of its own transaction (checked per statement, set-based).
        CREATE FUNCTION rewards.ledger_journals_batch_same_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM new_journals n LEFT JOIN rewards.ledger_batches b ON b.id = n.ledger_batch_id
                     WHERE n.ledger_batch_id IS NOT NULL AND (b.id IS NULL OR b.created_xid <> pg_current_xact_id())) THEN
            RAISE EXCEPTION 'rewards ledger: a journal can only belong to a ledger batch written in the same transaction'
              USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER journals_batch_same_transaction AFTER INSERT ON rewards.journals
          REFERENCING NEW TABLE AS new_journals FOR EACH STATEMENT EXECUTE FUNCTION rewards.ledger_journals_batch_same_transaction();

        -- Journals of a batch: checked all at once at commit by the batch row.
        CREATE FUNCTION rewards.ledger_check_batch_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          bad record;
        BEGIN
          -- One pass over the batch's journals (index on ledger_batch_id), each journal's entries by the journal_id index:
          -- no scan of the whole ledger however large it grows.
          SELECT j.id, t.currency, t.total INTO bad
          FROM rewards.journals j
          LEFT JOIN LATERAL (
            SELECT e.currency, sum(e.amount) AS total FROM rewards.journal_entries e
            WHERE e.journal_id = j.id GROUP BY e.currency) t ON true
          WHERE j.ledger_batch_id = NEW.id AND (t.currency IS NULL OR t.total <> 0)
          LIMIT 1;
          IF FOUND AND bad.currency IS NULL THEN
            RAISE EXCEPTION 'rewards ledger: journal % has no entries', bad.id USING ERRCODE = 'integrity_constraint_violation';
          ELSIF FOUND THEN
            RAISE EXCEPTION 'rewards ledger: journal % does not balance in % (sum %)', bad.id, bad.currency, bad.total
              USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER ledger_batches_balanced AFTER INSERT ON rewards.ledger_batches
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rewards.ledger_check_batch_balanced();

        -- The per-journal check stays for every journal outside a batch.
        DROP TRIGGER journals_balanced ON rewards.journals;
        CREATE CONSTRAINT TRIGGER journals_balanced AFTER INSERT ON rewards.journals
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.ledger_batch_id IS NULL)
          EXECUTE FUNCTION rewards.ledger_check_journal_balanced();
        """;

    public const string Down = """
        DROP TRIGGER IF EXISTS journals_balanced ON rewards.journals;
        CREATE CONSTRAINT TRIGGER journals_balanced AFTER INSERT ON rewards.journals
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rewards.ledger_check_journal_balanced();
        DROP TRIGGER IF EXISTS journals_batch_same_transaction ON rewards.journals;
        DROP FUNCTION IF EXISTS rewards.ledger_journals_batch_same_transaction();
        DROP INDEX IF EXISTS rewards.ix_journals_ledger_batch_id;
        ALTER TABLE rewards.journals DROP COLUMN IF EXISTS ledger_batch_id;
        DROP TABLE IF EXISTS rewards.ledger_batches;
        DROP FUNCTION IF EXISTS rewards.ledger_check_batch_balanced();
        """;
}
