namespace BenefitProgram.Rewards.Persistence;

/// <summary>
/// What the database itself enforces about the ledger (applied by the Initial migration). See
/// docs/adr/0013-ledger-cashback-and-payouts.md.
/// </summary>
internal static class LedgerSql
{
    public const string Up = """
        -- 1. Journals and entries are append-only: corrections are new journals.
        CREATE FUNCTION rewards.ledger_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'rewards ledger: % on % is not allowed; write a correcting journal instead', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
        END $$;
        CREATE TRIGGER journals_append_only BEFORE UPDATE OR DELETE ON rewards.journals
          FOR EACH ROW EXECUTE FUNCTION rewards.ledger_forbid_change();
        CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON rewards.journal_entries
          FOR EACH ROW EXECUTE FUNCTION rewards.ledger_forbid_change();

        -- 2. Entries may only be added to a journal written in the same transaction, with the journal's program.
        ALTER TABLE rewards.journals ADD COLUMN created_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
        CREATE FUNCTION rewards.ledger_entries_same_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM new_entries n JOIN rewards.journals j ON j.id = n.journal_id
                     WHERE j.created_xid <> pg_current_xact_id() OR j.program_id <> n.program_id) THEN
            RAISE EXCEPTION 'rewards ledger: entries can only be added to a journal of the same program written in the same transaction'
              USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER journal_entries_same_transaction AFTER INSERT ON rewards.journal_entries
          REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION rewards.ledger_entries_same_transaction();

        -- 3. Every journal has entries and sums to zero per currency, checked at commit (deferred constraint trigger).
        CREATE FUNCTION rewards.ledger_check_journal_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          bad record;
        BEGIN
          SELECT currency, sum(amount) AS total INTO bad FROM rewards.journal_entries
            WHERE journal_id = NEW.id GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'rewards ledger: journal % does not balance in % (sum %)', NEW.id, bad.currency, bad.total
              USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF NOT EXISTS (SELECT 1 FROM rewards.journal_entries WHERE journal_id = NEW.id) THEN
            RAISE EXCEPTION 'rewards ledger: journal % has no entries', NEW.id USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER journals_balanced AFTER INSERT ON rewards.journals
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rewards.ledger_check_journal_balanced();

        -- 4. Accounts are a closed list.
        ALTER TABLE rewards.journal_entries ADD CONSTRAINT ck_journal_entries_account CHECK (account IN (
          'member:pending', 'member:available', 'member:in-payout', 'member:paid', 'partner:receivable',
          'program:cashback-cost', 'program:refund-cost', 'program:adjustment-cost', 'program:commission-income'));
        """;

    public const string Down = """
        ALTER TABLE rewards.journal_entries DROP CONSTRAINT IF EXISTS ck_journal_entries_account;
        DROP TRIGGER IF EXISTS journals_balanced ON rewards.journals;
        DROP TRIGGER IF EXISTS journal_entries_same_transaction ON rewards.journal_entries;
        DROP TRIGGER IF EXISTS journal_entries_append_only ON rewards.journal_entries;
        DROP TRIGGER IF EXISTS journals_append_only ON rewards.journals;
        DROP FUNCTION IF EXISTS rewards.ledger_check_journal_balanced();
        DROP FUNCTION IF EXISTS rewards.ledger_entries_same_transaction();
        DROP FUNCTION IF EXISTS rewards.ledger_forbid_change();
        ALTER TABLE rewards.journals DROP COLUMN IF EXISTS created_xid;
        """;
}
