-- Issue 12: a running job adds no references to atoms that existed before it (they settle when the job completes,
-- docs/decisions.md "Existing atoms settle at completion too"), so while it runs its dictionary entry alone keeps such
-- an atom: an entry's Occurrences is what its owner has added to the atom's ReferenceCount so far, 0 for those.
ALTER TABLE CompositionDictionary DROP CONSTRAINT IF EXISTS CK_CompositionDictionary_Occurrences
GO
ALTER TABLE CompositionDictionary ADD CONSTRAINT IF NOT EXISTS CK_CompositionDictionary_Given CHECK (Occurrences >= 0)
GO
-- One row every purge of unreferenced atoms updates first, in its own transaction: a chunk that keeps atoms by an entry
-- alone reads it before looking the atoms up and locks it before committing, so a purge that could not yet see the
-- chunk's entries either waits for them or makes the chunk retry (AtomPurges).
CREATE TABLE IF NOT EXISTS AtomPurges (
    Id     TINYINT PRIMARY KEY,
    Purges BIGINT  NOT NULL,
    CONSTRAINT CK_AtomPurges_One CHECK (Id = 1)
)
GO
INSERT INTO AtomPurges (Id, Purges) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM AtomPurges)
GO
