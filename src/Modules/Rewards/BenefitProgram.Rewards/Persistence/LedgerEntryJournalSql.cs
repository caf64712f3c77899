namespace BenefitProgram.Rewards.Persistence;

/// <summary>
/// "Every entry belongs to a journal" checked once per INSERT statement instead of once per entry (applied by the
/// LedgerEntriesJournalCheck migration). The foreign key from <c>journal_entries.journal_id</c> to <c>journals.id</c> cost
/// one referential-integrity trigger call (an index probe and a row lock) per entry: 2.8 million for a 1M-row purchase
/// import, about a third of the entries insert. The statement-level trigger that already joins the new entries to their
/// journals (same program, same transaction) now also refuses an entry whose journal does not exist, so the database
/// still enforces what the foreign key enforced on insert. What the foreign key also did, refusing to delete a journal
/// with entries or to change its id, the append-only triggers on journals already refuse (every UPDATE and DELETE);
/// only TRUNCATE is not blocked, as before (production roles do not hold TRUNCATE, see ADR 0013).
/// The EF model keeps the Journal → Entries relationship (EF orders the inserts of a SaveChanges by it); only the
/// database constraint is replaced, so the model snapshot still lists the foreign key.
/// </summary>
internal static class LedgerEntryJournalSql
{
    public const string Up = """
        CREATE OR REPLACE FUNCTION rewards.ledger_entries_same_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM new_entries n LEFT JOIN rewards.journals j ON j.id = n.journal_id
                     WHERE j.id IS NULL OR j.created_xid <> pg_current_xact_id() OR j.program_id <> n.program_id) THEN
            RAISE EXCEPTION 'rewards ledger: entries can only be added to an existing journal of the same program written in the same transaction'
              USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NULL;
        END $$;
        ALTER TABLE rewards.journal_entries DROP CONSTRAINT fk_journal_entries_journals_journal_id;
        """;

    public const string Down = """
        ALTER TABLE rewards.journal_entries ADD CONSTRAINT fk_journal_entries_journals_journal_id
          FOREIGN KEY (journal_id) REFERENCES rewards.journals (id) ON DELETE RESTRICT;
        CREATE OR REPLACE FUNCTION rewards.ledger_entries_same_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM new_entries n JOIN rewards.journals j ON j.id = n.journal_id
                     WHERE j.created_xid <> pg_current_xact_id() OR j.program_id <> n.program_id) THEN
            RAISE EXCEPTION 'rewards ledger: entries can only be added to a journal of the same program written in the same transaction'
              USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NULL;
        END $$;
        """;
}
