-- Row-level security: every tenant-owned table is filtered (reads, updates, deletes) and, where a tenant writes
-- rows, blocked (inserts and updates) by the tenant in SESSION_CONTEXT(N'TenantId'). The storage engine sets it
-- with sp_set_session_context on every connection checkout. The rules are the embedded engine's Visibility:
--   leaf atoms are shared content; a parent atom (Subtype 'file') is visible to tenants with a row in AtomOwners;
--   compositions (segments, their dictionaries, rows), models, layers, tensor segments (their versions and the
--   model's dictionary) and snapshots are visible when their parent atom is (the views dbo.AtomCompositions,
--   dbo.TensorAtomCoefficients and dbo.TensorAtomCoefficientsHistory are filtered through their tables);
--   built-in embeddings (TenantId NULL) are visible wherever their atom is, others only to their tenant;
--   jobs, graph nodes and edges, inference records and their receipts, and settled usage belong to their TenantId;
--   weight versions (dbo.ModelWeightChanges) are visible with their model.
-- History tables get their own predicates: SQL Server does not carry a table's predicates over to its history.
-- Not covered: billing.UsageLedger. A predicate on a memory-optimized table must be natively compiled, and
-- SESSION_CONTEXT is not available in natively compiled modules; the ledger is reachable only through
-- billing.sp_RecordUsage and billing.sp_GetUsage, which apply the session tenant themselves.
-- Not covered either: dbo.TenantApiKeys. A key is looked up by its hash before any tenant is known (the key is what
-- names the tenant), so no session tenant could filter it. No tier role holds a permission on the table itself:
-- hart_ingest and hart_api may only run dbo.sp_FindApiKeyByHash (the one row of the hash they already hold), and
-- creating, listing and revoking keys is granted to hart_admin alone (095_permissions.sql).
-- Rows that carry a TenantId are blocked AFTER UPDATE as well as AFTER INSERT: without it a tenant that may update
-- its own row could rewrite TenantId and move the row to another tenant.
-- hart_system (see 015_principals.sql) passes every predicate; only a few procedures impersonate it.
--
-- The predicate functions are schema-bound to the security policy, so they can be replaced only while the policy
-- is dropped. The script therefore drops the policy, (re)creates the functions and recreates the policy inside
-- one transaction: other sessions wait on the schema locks and never see the tables without their predicates,
-- and running the script again ends in the same state.

SET XACT_ABORT ON;
BEGIN TRANSACTION;
IF EXISTS (SELECT 1 FROM sys.security_policies WHERE object_id = OBJECT_ID(N'security.TenantIsolationPolicy'))
    DROP SECURITY POLICY security.TenantIsolationPolicy;
GO

-- Rows that carry their tenant.
CREATE OR ALTER FUNCTION security.fn_TenantPredicate (@TenantId VARCHAR(64))
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN
    SELECT 1 AS Allowed
    WHERE @TenantId = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64)) COLLATE Latin1_General_100_BIN2
       OR USER_NAME() = N'hart_system';
GO

-- Atoms: leaves for everyone, files for their owners.
CREATE OR ALTER FUNCTION security.fn_AtomPredicate (@AtomId BIGINT, @Subtype VARCHAR(16))
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN
    SELECT 1 AS Allowed
    WHERE @Subtype <> 'file'
       OR EXISTS (
            SELECT 1
            FROM dbo.AtomOwners AS o
            WHERE o.AtomId = @AtomId
              AND o.TenantId = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64)) COLLATE Latin1_General_100_BIN2)
       OR USER_NAME() = N'hart_system';
GO

-- Rows hanging off a parent atom (compositions, models).
CREATE OR ALTER FUNCTION security.fn_ParentAtomPredicate (@ParentAtomId BIGINT)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN
    SELECT 1 AS Allowed
    WHERE EXISTS (
            SELECT 1
            FROM dbo.AtomOwners AS o
            WHERE o.AtomId = @ParentAtomId
              AND o.TenantId = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64)) COLLATE Latin1_General_100_BIN2)
       OR USER_NAME() = N'hart_system';
GO

-- Rows hanging off a model (layers, coefficients, snapshots and their history, weight versions).
CREATE OR ALTER FUNCTION security.fn_ModelPredicate (@ModelId BIGINT)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN
    SELECT 1 AS Allowed
    WHERE EXISTS (
            SELECT 1
            FROM dbo.Models AS m
            INNER JOIN dbo.AtomOwners AS o ON o.AtomId = m.ParentAtomId
            WHERE m.ModelId = @ModelId
              AND o.TenantId = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64)) COLLATE Latin1_General_100_BIN2)
       OR USER_NAME() = N'hart_system';
GO

-- Embeddings: built-in ones (TenantId NULL) or the session tenant's own, and only of atoms the tenant sees.
CREATE OR ALTER FUNCTION security.fn_EmbeddingPredicate (@TenantId VARCHAR(64), @AtomId BIGINT)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN
    SELECT 1 AS Allowed
    WHERE (
            (@TenantId IS NULL
             OR @TenantId = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64)) COLLATE Latin1_General_100_BIN2)
            AND EXISTS (
                SELECT 1
                FROM dbo.Atoms AS a
                WHERE a.AtomId = @AtomId
                  AND (a.Subtype <> 'file'
                       OR EXISTS (
                            SELECT 1
                            FROM dbo.AtomOwners AS o
                            WHERE o.AtomId = a.AtomId
                              AND o.TenantId = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64))
                                  COLLATE Latin1_General_100_BIN2)))
          )
       OR USER_NAME() = N'hart_system';
GO

CREATE SECURITY POLICY security.TenantIsolationPolicy
    ADD FILTER PREDICATE security.fn_AtomPredicate(AtomId, Subtype) ON dbo.Atoms,
    ADD FILTER PREDICATE security.fn_AtomPredicate(AtomId, Subtype) ON dbo.AtomsHistory,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.AtomOwners,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.AtomOwners AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.AtomOwners AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_ParentAtomPredicate(ParentAtomId) ON dbo.AtomCompositionRows,
    ADD FILTER PREDICATE security.fn_ParentAtomPredicate(ParentAtomId) ON dbo.CompositionSegments,
    ADD FILTER PREDICATE security.fn_ParentAtomPredicate(ParentAtomId) ON dbo.CompositionDictionary,
    ADD FILTER PREDICATE security.fn_ParentAtomPredicate(ParentAtomId) ON dbo.Models,
    ADD FILTER PREDICATE security.fn_ModelPredicate(ModelId) ON dbo.ModelLayers,
    ADD FILTER PREDICATE security.fn_ModelPredicate(ModelId) ON dbo.ModelLayersHistory,
    ADD FILTER PREDICATE security.fn_ModelPredicate(ModelId) ON dbo.TensorSegments,
    ADD FILTER PREDICATE security.fn_ModelPredicate(ModelId) ON dbo.TensorSegmentsHistory,
    ADD FILTER PREDICATE security.fn_ModelPredicate(ModelId) ON dbo.TensorDictionary,
    ADD FILTER PREDICATE security.fn_ModelPredicate(ModelId) ON dbo.WeightSnapshots,
    ADD FILTER PREDICATE security.fn_EmbeddingPredicate(TenantId, AtomId) ON dbo.AtomEmbeddings,
    ADD BLOCK PREDICATE security.fn_EmbeddingPredicate(TenantId, AtomId) ON dbo.AtomEmbeddings AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_EmbeddingPredicate(TenantId, AtomId) ON dbo.AtomEmbeddings AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.IngestionJobs,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.IngestionJobs AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.IngestionJobs AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON graph.AtomGraphNodes,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON graph.AtomGraphNodes AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON graph.AtomGraphNodes AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON graph.AtomGraphEdges,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON graph.AtomGraphEdges AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON graph.AtomGraphEdges AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.Inferences,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.Inferences AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.Inferences AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceReceipts,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceReceipts AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceReceipts AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceInputAtoms,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceInputAtoms AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceInputAtoms AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceReceiptTensors,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceReceiptTensors AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceReceiptTensors AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.ConceptGenerations,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.ConceptGenerations AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.ConceptGenerations AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.Concepts,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.Concepts AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.Concepts AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.AtomConcepts,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.AtomConcepts AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.AtomConcepts AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.ConceptEvolution,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.ConceptEvolution AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.ConceptEvolution AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceEvidence,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceEvidence AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo.InferenceEvidence AFTER UPDATE,
    ADD FILTER PREDICATE security.fn_ModelPredicate(ModelId) ON dbo.ModelWeightChanges,
    ADD FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON billing.UsageLedgerAnalytics,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON billing.UsageLedgerAnalytics AFTER INSERT,
    ADD BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON billing.UsageLedgerAnalytics AFTER UPDATE
WITH (STATE = ON, SCHEMABINDING = ON);
GO

COMMIT TRANSACTION;
SET XACT_ABORT OFF;
GO
