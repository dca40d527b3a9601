-- Reasoning runs (issue 13; contract InferenceStore.beginReasoning, EmbeddedInferenceStore; sql/027 on SQL Server).
-- A reasoning run (concepts.discover, reasoning.generate, reasoning.path, reasoning.chain) is a row of Inferences
-- like a model run, in the same id space, so one record/explain endpoint serves both: it names no model (ModelId
-- NULL) and has no receipt row; what it used is its evidence. ParentInferenceId ties self-consistency samples to
-- the run that drew them. Scripts already applied never change (the deployer's checksums), so 170 stays as it was
-- and the columns change here.
ALTER TABLE Inferences ALTER COLUMN ModelId SET NULL
GO
ALTER TABLE Inferences ADD COLUMN IF NOT EXISTS ParentInferenceId BIGINT
GO
ALTER TABLE Inferences ADD CONSTRAINT IF NOT EXISTS FK_Inferences_Parent FOREIGN KEY (ParentInferenceId)
    REFERENCES Inferences (InferenceId)
GO
CREATE INDEX IF NOT EXISTS IX_Inferences_Parent ON Inferences (ParentInferenceId, InferenceId)
GO
-- ReceiptGuard reads the table's columns when it is created: create it again so the new column counts as one a
-- record's end may not change.
DROP TRIGGER IF EXISTS TR_Inferences_Guard
GO
CREATE TRIGGER TR_Inferences_Guard BEFORE UPDATE, DELETE ON Inferences
    FOR EACH ROW CALL 'io.hartonomous.storage.engine.embedded.ReceiptGuard'
GO
-- The evidence of a reasoning run, written once with its record and never changed: at each step, the atoms and
-- concepts it weighed with their scores, and whether it chose them (those it did not are the alternatives
-- GET /api/inference/{id}/explain shows). Rows, so "which runs used atom A / concept C" is an index seek.
CREATE TABLE IF NOT EXISTS InferenceEvidence (
    InferenceId BIGINT           NOT NULL,
    Ordinal     INT              NOT NULL,
    TenantId    VARCHAR(64)      NOT NULL,
    Step        INT              NOT NULL,
    Role        VARCHAR(32)      NOT NULL,
    AtomId      BIGINT,
    ConceptId   BIGINT,
    Score       DOUBLE PRECISION NOT NULL,
    Chosen      BOOLEAN          NOT NULL,
    PRIMARY KEY (InferenceId, Ordinal),
    CONSTRAINT CK_InferenceEvidence_Subject CHECK (AtomId IS NOT NULL OR ConceptId IS NOT NULL),
    CONSTRAINT FK_InferenceEvidence_Inference FOREIGN KEY (InferenceId) REFERENCES Inferences (InferenceId)
)
GO
CREATE INDEX IF NOT EXISTS IX_InferenceEvidence_Atom ON InferenceEvidence (TenantId, AtomId)
GO
CREATE INDEX IF NOT EXISTS IX_InferenceEvidence_Concept ON InferenceEvidence (TenantId, ConceptId)
GO
CREATE TRIGGER IF NOT EXISTS TR_InferenceEvidence_Guard BEFORE UPDATE, DELETE ON InferenceEvidence
    FOR EACH ROW CALL 'io.hartonomous.storage.engine.embedded.ReceiptGuard'
GO
