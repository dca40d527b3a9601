-- Model runs: inference records, their immutable receipts, and the weight versions of models. Mirrors
-- embedded/160_inference.sql (procedures in 079). dbo.Inferences holds one record per run, RUNNING from
-- dbo.sp_BeginInference until dbo.sp_EndInference, then fixed. Its receipt (what the run used) is written once with
-- it: dbo.InferenceReceipts (the model's file atom, weight version, input hash), dbo.InferenceInputAtoms (input
-- atoms in input order) and dbo.InferenceReceiptTensors (every tensor read, with the SHA-256 of its values). Rows
-- rather than one JSON document, so "which runs read atom A / these weights" is an index seek. Every row carries its
-- tenant for row-level security (050). The guard triggers keep receipts as written (see below).
-- A reasoning run (issue 13: concepts.discover, reasoning.generate, reasoning.path, reasoning.chain) is a record too,
-- in the same id space: it names no model (ModelId NULL), has no receipt, and its evidence is in
-- dbo.InferenceEvidence; ParentInferenceId ties self-consistency samples to the run that drew them. Mirrors
-- embedded/180_reasoning.sql.

IF OBJECT_ID(N'dbo.Inferences', N'U') IS NULL
    CREATE TABLE dbo.Inferences (
        InferenceId   BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId      VARCHAR(64)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        ModelId       BIGINT         NULL,
        Operation     VARCHAR(64)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Status        VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        AsOf          DATETIME2(7)   NOT NULL,
        CreatedAt     DATETIME2(7)   NOT NULL CONSTRAINT DF_Inferences_CreatedAt DEFAULT SYSUTCDATETIME(),
        DurationMs    BIGINT         NULL,
        Units         BIGINT         NOT NULL,
        OutputSummary NVARCHAR(MAX)  NULL,
        Error         NVARCHAR(4000) NULL,
        ParentInferenceId BIGINT     NULL,
        CONSTRAINT PK_Inferences PRIMARY KEY CLUSTERED (InferenceId),
        CONSTRAINT CK_Inferences_Status CHECK (Status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
        CONSTRAINT FK_Inferences_Model FOREIGN KEY (ModelId) REFERENCES dbo.Models (ModelId),
        CONSTRAINT FK_Inferences_Parent FOREIGN KEY (ParentInferenceId) REFERENCES dbo.Inferences (InferenceId)
    );
GO

-- A database created before reasoning runs: ModelId becomes nullable (SQL Server refuses ALTER COLUMN on a column
-- an index or a foreign key depends on, so both are dropped first and made again below) and ParentInferenceId is
-- added. Each step is guarded, so running the script again changes nothing.
IF COLUMNPROPERTY(OBJECT_ID(N'dbo.Inferences'), N'ModelId', 'AllowsNull') = 0
BEGIN
    IF EXISTS (
        SELECT 1 FROM sys.indexes WHERE name = N'IX_Inferences_Model' AND object_id = OBJECT_ID(N'dbo.Inferences')
    )
        DROP INDEX IX_Inferences_Model ON dbo.Inferences;
    IF OBJECT_ID(N'dbo.FK_Inferences_Model', N'F') IS NOT NULL
        ALTER TABLE dbo.Inferences DROP CONSTRAINT FK_Inferences_Model;
    ALTER TABLE dbo.Inferences ALTER COLUMN ModelId BIGINT NULL;
END;
GO

IF OBJECT_ID(N'dbo.FK_Inferences_Model', N'F') IS NULL
    ALTER TABLE dbo.Inferences ADD CONSTRAINT FK_Inferences_Model FOREIGN KEY (ModelId)
        REFERENCES dbo.Models (ModelId);
GO

IF COL_LENGTH(N'dbo.Inferences', N'ParentInferenceId') IS NULL
    ALTER TABLE dbo.Inferences ADD ParentInferenceId BIGINT NULL;
GO

IF OBJECT_ID(N'dbo.FK_Inferences_Parent', N'F') IS NULL
    ALTER TABLE dbo.Inferences ADD CONSTRAINT FK_Inferences_Parent FOREIGN KEY (ParentInferenceId)
        REFERENCES dbo.Inferences (InferenceId);
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'IX_Inferences_Parent' AND object_id = OBJECT_ID(N'dbo.Inferences')
)
    CREATE NONCLUSTERED INDEX IX_Inferences_Parent ON dbo.Inferences (ParentInferenceId, InferenceId)
        WHERE ParentInferenceId IS NOT NULL;
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'IX_Inferences_Tenant' AND object_id = OBJECT_ID(N'dbo.Inferences')
)
    CREATE NONCLUSTERED INDEX IX_Inferences_Tenant ON dbo.Inferences (TenantId, CreatedAt DESC, InferenceId DESC);
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'IX_Inferences_Model' AND object_id = OBJECT_ID(N'dbo.Inferences')
)
    CREATE NONCLUSTERED INDEX IX_Inferences_Model ON dbo.Inferences (ModelId, CreatedAt);
GO

IF OBJECT_ID(N'dbo.InferenceReceipts', N'U') IS NULL
    CREATE TABLE dbo.InferenceReceipts (
        InferenceId   BIGINT      NOT NULL,
        TenantId      VARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        ModelAtomId   BIGINT      NOT NULL,
        WeightVersion VARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        InputSha256   CHAR(64)    COLLATE Latin1_General_100_BIN2 NULL,
        CONSTRAINT PK_InferenceReceipts PRIMARY KEY CLUSTERED (InferenceId),
        CONSTRAINT FK_InferenceReceipts_Inference FOREIGN KEY (InferenceId) REFERENCES dbo.Inferences (InferenceId)
    );
GO

IF OBJECT_ID(N'dbo.InferenceInputAtoms', N'U') IS NULL
    CREATE TABLE dbo.InferenceInputAtoms (
        InferenceId BIGINT      NOT NULL,
        Ordinal     INT         NOT NULL,
        TenantId    VARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomId      BIGINT      NOT NULL,
        CONSTRAINT PK_InferenceInputAtoms PRIMARY KEY CLUSTERED (InferenceId, Ordinal),
        CONSTRAINT FK_InferenceInputAtoms_Receipt FOREIGN KEY (InferenceId)
            REFERENCES dbo.InferenceReceipts (InferenceId)
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_InferenceInputAtoms_Atom' AND object_id = OBJECT_ID(N'dbo.InferenceInputAtoms')
)
    CREATE NONCLUSTERED INDEX IX_InferenceInputAtoms_Atom ON dbo.InferenceInputAtoms (TenantId, AtomId);
GO

IF OBJECT_ID(N'dbo.InferenceReceiptTensors', N'U') IS NULL
    CREATE TABLE dbo.InferenceReceiptTensors (
        InferenceId  BIGINT        NOT NULL,
        Ordinal      INT           NOT NULL,
        TenantId     VARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        LayerIdx     INT           NOT NULL,
        Name         NVARCHAR(512) COLLATE Latin1_General_100_CS_AS NOT NULL,
        ElementCount BIGINT        NOT NULL,
        Sha256       CHAR(64)      COLLATE Latin1_General_100_BIN2 NOT NULL,
        CONSTRAINT PK_InferenceReceiptTensors PRIMARY KEY CLUSTERED (InferenceId, Ordinal),
        CONSTRAINT FK_InferenceReceiptTensors_Receipt FOREIGN KEY (InferenceId)
            REFERENCES dbo.InferenceReceipts (InferenceId)
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_InferenceReceiptTensors_Sha256' AND object_id = OBJECT_ID(N'dbo.InferenceReceiptTensors')
)
    CREATE NONCLUSTERED INDEX IX_InferenceReceiptTensors_Sha256 ON dbo.InferenceReceiptTensors (TenantId, Sha256);
GO

-- The evidence of a reasoning run, written once with its record (dbo.sp_BeginReasoning, 082) and never changed: at
-- each step the atoms and concepts it weighed with their scores and whether it chose them (those it did not are the
-- alternatives GET /api/inference/{id}/explain shows). Rows, so "which runs used atom A / concept C" is a seek.
IF OBJECT_ID(N'dbo.InferenceEvidence', N'U') IS NULL
    CREATE TABLE dbo.InferenceEvidence (
        InferenceId BIGINT      NOT NULL,
        Ordinal     INT         NOT NULL,
        TenantId    VARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Step        INT         NOT NULL,
        Role        VARCHAR(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomId      BIGINT      NULL,
        ConceptId   BIGINT      NULL,
        Score       FLOAT       NOT NULL,
        Chosen      BIT         NOT NULL,
        CONSTRAINT PK_InferenceEvidence PRIMARY KEY CLUSTERED (InferenceId, Ordinal),
        CONSTRAINT CK_InferenceEvidence_Subject CHECK (AtomId IS NOT NULL OR ConceptId IS NOT NULL),
        CONSTRAINT FK_InferenceEvidence_Inference FOREIGN KEY (InferenceId) REFERENCES dbo.Inferences (InferenceId)
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_InferenceEvidence_Atom' AND object_id = OBJECT_ID(N'dbo.InferenceEvidence')
)
    CREATE NONCLUSTERED INDEX IX_InferenceEvidence_Atom ON dbo.InferenceEvidence (TenantId, AtomId)
        WHERE AtomId IS NOT NULL;
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_InferenceEvidence_Concept' AND object_id = OBJECT_ID(N'dbo.InferenceEvidence')
)
    CREATE NONCLUSTERED INDEX IX_InferenceEvidence_Concept ON dbo.InferenceEvidence (TenantId, ConceptId)
        WHERE ConceptId IS NOT NULL;
GO

-- A model's weight versions (ModelStore.weightVersion, dbo.sp_GetWeightVersion): one row per weight update or
-- rollback that changed a weight, appended in that change's transaction with the begin time SQL Server stamped on
-- the changed rows (ValidFrom), so FOR SYSTEM_TIME AS OF a version reads exactly that version. A version is then a
-- seek on a handful of rows however many weights the model has.
IF OBJECT_ID(N'dbo.ModelWeightChanges', N'U') IS NULL
    CREATE TABLE dbo.ModelWeightChanges (
        ModelId   BIGINT       NOT NULL,
        ChangedAt DATETIME2(7) NOT NULL,
        CONSTRAINT FK_ModelWeightChanges_Model FOREIGN KEY (ModelId) REFERENCES dbo.Models (ModelId)
            ON DELETE CASCADE
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'CIX_ModelWeightChanges' AND object_id = OBJECT_ID(N'dbo.ModelWeightChanges')
)
    CREATE CLUSTERED INDEX CIX_ModelWeightChanges ON dbo.ModelWeightChanges (ModelId, ChangedAt);
GO

-- The guards. Receipt rows are never updated; a record changes once, from RUNNING to its end, and then only in its
-- outcome (Status, DurationMs, OutputSummary, Error). Either goes only while dbo.sp_RemoveModelInferences (078)
-- removes its model's runs, which names the model in SESSION_CONTEXT(N'hart.PurgeModel') for that time. No role
-- holds UPDATE or DELETE on these tables either (095 denies them): procedures reach them by ownership chaining.
CREATE OR ALTER TRIGGER dbo.TR_Inferences_Guard
ON dbo.Inferences
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @purging BIGINT = TRY_CAST(SESSION_CONTEXT(N'hart.PurgeModel') AS BIGINT);
    IF EXISTS (SELECT 1 FROM inserted)
    BEGIN
        IF EXISTS (
            SELECT 1
            FROM deleted AS d
            LEFT JOIN inserted AS i ON i.InferenceId = d.InferenceId
            WHERE i.InferenceId IS NULL OR d.Status <> 'RUNNING' OR i.Status = 'RUNNING'
               OR i.TenantId <> d.TenantId OR i.ModelId IS DISTINCT FROM d.ModelId OR i.Operation <> d.Operation
               OR i.AsOf <> d.AsOf OR i.CreatedAt <> d.CreatedAt OR i.Units <> d.Units
               OR i.ParentInferenceId IS DISTINCT FROM d.ParentInferenceId)
            THROW 50409, N'an inference record changes once, from RUNNING to its end, and only in its outcome', 1;
    END
    ELSE IF EXISTS (SELECT 1 FROM deleted WHERE @purging IS NULL OR ModelId IS NULL OR ModelId <> @purging)
        THROW 50409, N'inference records are deleted only with their model''s data', 1;
END;
GO

CREATE OR ALTER TRIGGER dbo.TR_InferenceReceipts_Guard
ON dbo.InferenceReceipts
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @purging BIGINT = TRY_CAST(SESSION_CONTEXT(N'hart.PurgeModel') AS BIGINT);
    IF EXISTS (SELECT 1 FROM inserted)
        THROW 50409, N'an inference receipt is immutable', 1;
    IF EXISTS (
        SELECT 1
        FROM deleted AS d
        WHERE NOT EXISTS (
            SELECT 1 FROM dbo.Inferences AS i WHERE i.InferenceId = d.InferenceId AND i.ModelId = @purging))
        THROW 50409, N'inference receipts are deleted only with their model''s data', 1;
END;
GO

CREATE OR ALTER TRIGGER dbo.TR_InferenceInputAtoms_Guard
ON dbo.InferenceInputAtoms
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @purging BIGINT = TRY_CAST(SESSION_CONTEXT(N'hart.PurgeModel') AS BIGINT);
    IF EXISTS (SELECT 1 FROM inserted)
        THROW 50409, N'an inference receipt is immutable', 1;
    IF EXISTS (
        SELECT 1
        FROM deleted AS d
        WHERE NOT EXISTS (
            SELECT 1 FROM dbo.Inferences AS i WHERE i.InferenceId = d.InferenceId AND i.ModelId = @purging))
        THROW 50409, N'inference receipts are deleted only with their model''s data', 1;
END;
GO

CREATE OR ALTER TRIGGER dbo.TR_InferenceReceiptTensors_Guard
ON dbo.InferenceReceiptTensors
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @purging BIGINT = TRY_CAST(SESSION_CONTEXT(N'hart.PurgeModel') AS BIGINT);
    IF EXISTS (SELECT 1 FROM inserted)
        THROW 50409, N'an inference receipt is immutable', 1;
    IF EXISTS (
        SELECT 1
        FROM deleted AS d
        WHERE NOT EXISTS (
            SELECT 1 FROM dbo.Inferences AS i WHERE i.InferenceId = d.InferenceId AND i.ModelId = @purging))
        THROW 50409, N'inference receipts are deleted only with their model''s data', 1;
END;
GO

CREATE OR ALTER TRIGGER dbo.TR_InferenceEvidence_Guard
ON dbo.InferenceEvidence
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @purging BIGINT = TRY_CAST(SESSION_CONTEXT(N'hart.PurgeModel') AS BIGINT);
    IF EXISTS (SELECT 1 FROM inserted)
        THROW 50409, N'the evidence of an inference is immutable', 1;
    IF EXISTS (
        SELECT 1
        FROM deleted AS d
        WHERE NOT EXISTS (
            SELECT 1 FROM dbo.Inferences AS i WHERE i.InferenceId = d.InferenceId AND i.ModelId = @purging))
        THROW 50409, N'the evidence of an inference is deleted only with its model''s data', 1;
END;
GO
