-- Model runs: inference records and receipts of the session tenant (SqlServerInferenceStore), and weight versions
-- (SqlServerModelStore.weightVersion). Same results as the embedded EmbeddedInferenceStore. Tables in 027; a run's
-- records go with its model's file (dbo.sp_RemoveModelInferences, 078). Receipt lists travel as JSON both ways:
-- @InputAtoms a JSON array of atom ids, @Tensors an array of {layerIdx, name, elementCount, sha256}.
-- Errors: 50400 invalid argument, 50401 no tenant, 50404 not found or not visible, 50409 conflict.

-- Records with their receipts, one row each; the lists as JSON (NULL when empty). A reasoning run has no receipt
-- (the receipt columns are NULL). Row-level security on the tables
-- keeps it to the session tenant.
CREATE OR ALTER VIEW dbo.InferenceRecords
AS
SELECT
    i.InferenceId, i.TenantId, i.ModelId, i.Operation, i.Status, i.AsOf, i.CreatedAt, i.DurationMs, i.Units,
    i.OutputSummary, i.Error, i.ParentInferenceId, r.ModelAtomId, r.WeightVersion, r.InputSha256,
    (SELECT N'[' + STRING_AGG(CONVERT(NVARCHAR(MAX), a.AtomId), N',') WITHIN GROUP (ORDER BY a.Ordinal) + N']'
     FROM dbo.InferenceInputAtoms AS a
     WHERE a.InferenceId = i.InferenceId) AS InputAtoms,
    (SELECT t.LayerIdx AS layerIdx, t.Name AS name, t.ElementCount AS elementCount, t.Sha256 AS sha256
     FROM dbo.InferenceReceiptTensors AS t
     WHERE t.InferenceId = i.InferenceId
     ORDER BY t.Ordinal
     FOR JSON PATH) AS Tensors
FROM dbo.Inferences AS i
LEFT JOIN dbo.InferenceReceipts AS r ON r.InferenceId = i.InferenceId;
GO

-- One record of the session tenant. Result: the record, or no row.
CREATE OR ALTER PROCEDURE dbo.sp_GetInference
    @InferenceId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT InferenceId, ModelId, Operation, Status, AsOf, CreatedAt, DurationMs, Units, OutputSummary, Error,
           ParentInferenceId, ModelAtomId, WeightVersion, InputSha256, InputAtoms, Tensors
    FROM dbo.InferenceRecords
    WHERE InferenceId = @InferenceId;
END;
GO

-- The session tenant's records, newest first; @ModelId and @Since (inclusive, by creation) NULL for any.
CREATE OR ALTER PROCEDURE dbo.sp_ListInferences
    @ModelId BIGINT = NULL,
    @Since   DATETIME2(7) = NULL,
    @Limit   INT = 100
AS
BEGIN
    SET NOCOUNT ON;
    IF @Limit IS NULL OR @Limit < 1 OR @Limit > 1000
        THROW 50400, N'a list has 1-1000 records', 1;
    SELECT TOP (@Limit)
        InferenceId, ModelId, Operation, Status, AsOf, CreatedAt, DurationMs, Units, OutputSummary, Error,
        ParentInferenceId, ModelAtomId, WeightVersion, InputSha256, InputAtoms, Tensors
    FROM dbo.InferenceRecords
    WHERE (@ModelId IS NULL OR ModelId = @ModelId) AND (@Since IS NULL OR CreatedAt >= @Since)
    ORDER BY CreatedAt DESC, InferenceId DESC
    OPTION (RECOMPILE);
END;
GO

-- Fills the caller's #Atoms (AtomId, FirstOrdinal, NodeKind) from a JSON array of atom ids: each distinct atom once,
-- FILE or ATOM as its subtype says; 50404 for an atom the session tenant does not see (row-level security hides
-- other tenants' files).
CREATE OR ALTER PROCEDURE dbo.sp_ReadInferenceAtoms
    @Atoms NVARCHAR(MAX) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF ISJSON(COALESCE(@Atoms, N'[]')) = 0
        THROW 50400, N'atoms are a JSON array of atom ids', 1;
    INSERT INTO #Atoms (AtomId, FirstOrdinal, NodeKind)
    SELECT j.AtomId, j.FirstOrdinal, CASE a.Subtype WHEN 'file' THEN 'FILE' ELSE 'ATOM' END
    FROM (
        SELECT CAST(o.[value] AS BIGINT) AS AtomId, MIN(CAST(o.[key] AS INT)) AS FirstOrdinal
        FROM OPENJSON(COALESCE(@Atoms, N'[]')) AS o
        GROUP BY CAST(o.[value] AS BIGINT)
    ) AS j
    LEFT JOIN dbo.Atoms AS a ON a.AtomId = j.AtomId;
    SELECT TOP (1) @message = CONCAT(N'atom ', AtomId, N' not found')
    FROM #Atoms
    WHERE NodeKind IS NULL
    ORDER BY FirstOrdinal;
    IF @@ROWCOUNT > 0
        THROW 50404, @message, 1;
END;
GO

-- Edges @Relation from the run's node to the node of each atom in the caller's #Atoms, in input order; an atom
-- without a node gets one, labelled by its kind and id. Inside the caller's transaction.
CREATE OR ALTER PROCEDURE dbo.sp_LinkInferenceAtoms
    @RunNodeId BIGINT,
    @Relation  NVARCHAR(64)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @Ordinal INT = (SELECT MIN(FirstOrdinal) FROM #Atoms);
    DECLARE @AtomId BIGINT, @Kind VARCHAR(16), @Label NVARCHAR(512), @NodeId BIGINT, @EdgeId BIGINT;
    WHILE @Ordinal IS NOT NULL
    BEGIN
        SELECT @AtomId = AtomId, @Kind = NodeKind FROM #Atoms WHERE FirstOrdinal = @Ordinal;
        SET @Label = CONCAT(LOWER(@Kind), N' ', @AtomId);
        EXEC graph.sp_PutNode @NodeKind = @Kind, @RefId = @AtomId, @Label = @Label, @Relabel = 0,
                              @NodeId = @NodeId OUTPUT;
        EXEC graph.sp_PutEdge @FromNodeId = @RunNodeId, @ToNodeId = @NodeId, @Relation = @Relation,
                              @EdgeId = @EdgeId OUTPUT;
        SET @Ordinal = (SELECT MIN(FirstOrdinal) FROM #Atoms WHERE FirstOrdinal > @Ordinal);
    END;
END;
GO

-- Starts a run of a model the session tenant sees and has a completed ingestion of (its own, or a deduplicated one):
-- the RUNNING record, its receipt, and the INFERENCE node with edges 'ran' to the model's node and 'read' to each
-- input atom's, all in one transaction (the graph changes go to the provenance sync with it). @ParentInferenceId, when
-- given (a reasoning chain's model step), is one of the tenant's reasoning runs (50404 otherwise). The run's node
-- carries its receipt head (modelAtomId, weightVersion) and parent to the cold tier as properties
-- (InferenceNodeProperties on the embedded engine). Result: the record.
CREATE OR ALTER PROCEDURE dbo.sp_BeginInference
    @ModelId       BIGINT,
    @Operation     VARCHAR(64),
    @AsOf          DATETIME2(7),
    @Units         BIGINT,
    @ModelAtomId   BIGINT,
    @WeightVersion VARCHAR(64),
    @InputSha256   CHAR(64) = NULL,
    @InputAtoms    NVARCHAR(MAX) = NULL,
    @Tensors       NVARCHAR(MAX) = NULL,
    @ParentInferenceId BIGINT = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @ParentAtomId BIGINT, @Name NVARCHAR(256), @InferenceId BIGINT;
    DECLARE @RunNode BIGINT, @ModelNode BIGINT, @EdgeId BIGINT, @Label NVARCHAR(512), @Properties NVARCHAR(MAX);
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @Operation IS NULL OR LEN(@Operation) = 0 OR @AsOf IS NULL OR @Units IS NULL OR @Units < 0
        THROW 50400, N'a run needs an operation of 1-64 characters, an asOf time and units >= 0', 1;
    IF @WeightVersion IS NULL OR LEN(@WeightVersion) = 0
        THROW 50400, N'a receipt names the weight version it read', 1;
    IF ISJSON(COALESCE(@Tensors, N'[]')) = 0
        THROW 50400, N'receipt tensors are a JSON array', 1;

    SELECT @ParentAtomId = ParentAtomId, @Name = Name FROM dbo.Models WHERE ModelId = @ModelId;
    IF @ParentAtomId IS NULL
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;
    IF NOT EXISTS (
        SELECT 1 FROM dbo.IngestionJobs WHERE ParentAtomId = @ParentAtomId AND State = 'COMPLETED')
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' is still being ingested; run it once its job has completed');
        THROW 50409, @message, 1;
    END;
    IF @ModelAtomId IS NULL OR @ModelAtomId <> @ParentAtomId
    BEGIN
        SET @message = CONCAT(N'the receipt names file atom ', @ModelAtomId, N' but model ', @ModelId,
                              N' is file atom ', @ParentAtomId);
        THROW 50400, @message, 1;
    END;
    IF @ParentInferenceId IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM dbo.Inferences WHERE InferenceId = @ParentInferenceId AND ModelId IS NULL)
    BEGIN
        SET @message = CONCAT(N'reasoning run ', @ParentInferenceId, N' not found');
        THROW 50404, @message, 1;
    END;

    CREATE TABLE #Atoms (AtomId BIGINT NOT NULL PRIMARY KEY, FirstOrdinal INT NOT NULL, NodeKind VARCHAR(16) NULL);
    EXEC dbo.sp_ReadInferenceAtoms @Atoms = @InputAtoms;

    BEGIN TRY
        BEGIN TRANSACTION;
        INSERT INTO dbo.Inferences (TenantId, ModelId, Operation, Status, AsOf, Units, ParentInferenceId)
        VALUES (@TenantId, @ModelId, @Operation, 'RUNNING', @AsOf, @Units, @ParentInferenceId);
        SET @InferenceId = SCOPE_IDENTITY();
        INSERT INTO dbo.InferenceReceipts (InferenceId, TenantId, ModelAtomId, WeightVersion, InputSha256)
        VALUES (@InferenceId, @TenantId, @ModelAtomId, @WeightVersion, @InputSha256);
        INSERT INTO dbo.InferenceInputAtoms (InferenceId, Ordinal, TenantId, AtomId)
        SELECT @InferenceId, CAST(o.[key] AS INT), @TenantId, CAST(o.[value] AS BIGINT)
        FROM OPENJSON(COALESCE(@InputAtoms, N'[]')) AS o;
        INSERT INTO dbo.InferenceReceiptTensors (InferenceId, Ordinal, TenantId, LayerIdx, Name, ElementCount, Sha256)
        SELECT @InferenceId, CAST(o.[key] AS INT), @TenantId, t.LayerIdx, t.Name, t.ElementCount, t.Sha256
        FROM OPENJSON(COALESCE(@Tensors, N'[]')) AS o
        CROSS APPLY OPENJSON(o.[value]) WITH (
            LayerIdx     INT           '$.layerIdx',
            Name         NVARCHAR(512) '$.name',
            ElementCount BIGINT        '$.elementCount',
            Sha256       CHAR(64)      '$.sha256'
        ) AS t;

        SET @Label = CONCAT(@Operation, N' #', @InferenceId);
        SET @Properties = CONCAT(N'{', CASE WHEN @ParentInferenceId IS NOT NULL
                                            THEN CONCAT(N'"parentInferenceId":', @ParentInferenceId, N',') END,
                                 N'"modelAtomId":', @ModelAtomId, N',"weightVersion":"',
                                 STRING_ESCAPE(@WeightVersion, 'json'), N'"}');
        EXEC graph.sp_PutNode @NodeKind = 'INFERENCE', @RefId = @InferenceId, @Label = @Label, @Relabel = 1,
                              @NodeId = @RunNode OUTPUT, @Properties = @Properties;
        EXEC graph.sp_PutNode @NodeKind = 'MODEL', @RefId = @ModelId, @Label = @Name, @Relabel = 0,
                              @NodeId = @ModelNode OUTPUT;
        EXEC graph.sp_PutEdge @FromNodeId = @RunNode, @ToNodeId = @ModelNode, @Relation = N'ran',
                              @EdgeId = @EdgeId OUTPUT;
        EXEC dbo.sp_LinkInferenceAtoms @RunNodeId = @RunNode, @Relation = N'read';
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    EXEC dbo.sp_GetInference @InferenceId = @InferenceId;
END;
GO

-- What a reasoning run's INFERENCE node carries to the cold tier (issue 13), from its evidence rows as written: a flat
-- JSON object with parentInferenceId (when given) and the evidence as parallel arrays in Ordinal order, evidenceStep,
-- evidenceRole, evidenceAtom, evidenceConcept (-1 for none: Neo4j keeps no null in an array), evidenceScore (style 3:
-- 17 digits, so the double reads back exactly) and evidenceChosen; the same JSON InferenceNodeProperties builds on the
-- embedded engine. Inside the caller's transaction.
CREATE OR ALTER PROCEDURE dbo.sp_InferenceNodeProperties
    @InferenceId       BIGINT,
    @ParentInferenceId BIGINT = NULL,
    @Properties        NVARCHAR(MAX) OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT @Properties = N'{' + CONCAT_WS(N',',
        CASE WHEN @ParentInferenceId IS NOT NULL THEN CONCAT(N'"parentInferenceId":', @ParentInferenceId) END,
        CASE WHEN COUNT(*) > 0 THEN
            N'"evidenceStep":[' + STRING_AGG(CONVERT(NVARCHAR(MAX), e.Step), N',') WITHIN GROUP (ORDER BY e.Ordinal)
            + N'],"evidenceRole":[' + STRING_AGG(CONVERT(NVARCHAR(MAX), N'"' + STRING_ESCAPE(e.Role, 'json') + N'"'),
                                                 N',') WITHIN GROUP (ORDER BY e.Ordinal)
            + N'],"evidenceAtom":[' + STRING_AGG(CONVERT(NVARCHAR(MAX), COALESCE(e.AtomId, -1)), N',')
                                      WITHIN GROUP (ORDER BY e.Ordinal)
            + N'],"evidenceConcept":[' + STRING_AGG(CONVERT(NVARCHAR(MAX), COALESCE(e.ConceptId, -1)), N',')
                                         WITHIN GROUP (ORDER BY e.Ordinal)
            + N'],"evidenceScore":[' + STRING_AGG(CONVERT(NVARCHAR(MAX), CONVERT(VARCHAR(32), e.Score, 3)), N',')
                                       WITHIN GROUP (ORDER BY e.Ordinal)
            + N'],"evidenceChosen":[' + STRING_AGG(CONVERT(NVARCHAR(MAX), CASE WHEN e.Chosen = 1 THEN N'true'
                                                                               ELSE N'false' END), N',')
                                        WITHIN GROUP (ORDER BY e.Ordinal) + N']'
        END) + N'}'
    FROM dbo.InferenceEvidence AS e
    WHERE e.InferenceId = @InferenceId;
END;
GO

-- Starts a reasoning run of the session tenant (issue 13): no model and no receipt, its evidence instead. The
-- RUNNING record, its evidence rows, and the INFERENCE node with edges 'read' to each distinct input and evidence
-- atom (inputs first, then in evidence order) and 'chose' to each distinct atom chosen at any step, in one
-- transaction. @InputAtoms: a JSON array of atom ids; @Evidence: an array of {step, role, atomId, conceptId, score,
-- chosen}. @ParentInferenceId, when given, is one of the tenant's reasoning runs (50404 otherwise). The run's node
-- carries its evidence to the cold tier (dbo.sp_InferenceNodeProperties), so Neo4j answers explain with the scores.
-- Result: the record.
CREATE OR ALTER PROCEDURE dbo.sp_BeginReasoning
    @Operation         VARCHAR(64),
    @ParentInferenceId BIGINT = NULL,
    @Units             BIGINT,
    @InputAtoms        NVARCHAR(MAX) = NULL,
    @Evidence          NVARCHAR(MAX) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @InferenceId BIGINT, @RunNode BIGINT, @Label NVARCHAR(512);
    DECLARE @Read NVARCHAR(MAX), @Now DATETIME2(7) = SYSUTCDATETIME(), @Properties NVARCHAR(MAX);
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @Operation IS NULL OR LEN(@Operation) = 0 OR @Units IS NULL OR @Units < 0
        THROW 50400, N'a reasoning run needs an operation of 1-64 characters and units >= 0', 1;
    IF ISJSON(COALESCE(@InputAtoms, N'[]')) = 0 OR ISJSON(COALESCE(@Evidence, N'[]')) = 0
        THROW 50400, N'input atoms and evidence are JSON arrays', 1;
    IF @ParentInferenceId IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM dbo.Inferences WHERE InferenceId = @ParentInferenceId AND ModelId IS NULL)
    BEGIN
        SET @message = CONCAT(N'reasoning run ', @ParentInferenceId, N' not found');
        THROW 50404, @message, 1;
    END;

    CREATE TABLE #Evidence (
        Ordinal INT NOT NULL PRIMARY KEY, Step INT NOT NULL, Role VARCHAR(32) NOT NULL, AtomId BIGINT NULL,
        ConceptId BIGINT NULL, Score FLOAT NOT NULL, Chosen BIT NOT NULL);
    INSERT INTO #Evidence (Ordinal, Step, Role, AtomId, ConceptId, Score, Chosen)
    SELECT CAST(o.[key] AS INT), e.Step, e.Role, e.AtomId, e.ConceptId, e.Score, e.Chosen
    FROM OPENJSON(COALESCE(@Evidence, N'[]')) AS o
    CROSS APPLY OPENJSON(o.[value]) WITH (
        Step      INT         '$.step',
        Role      VARCHAR(32) '$.role',
        AtomId    BIGINT      '$.atomId',
        ConceptId BIGINT      '$.conceptId',
        Score     FLOAT       '$.score',
        Chosen    BIT         '$.chosen'
    ) AS e;
    IF EXISTS (SELECT 1 FROM #Evidence WHERE Step < 0 OR LEN(Role) = 0 OR (AtomId IS NULL AND ConceptId IS NULL))
        THROW 50400, N'evidence has a step >= 0, a role and an atom or a concept', 1;

    -- Inputs first, then the evidence atoms, as one array: sp_ReadInferenceAtoms keeps each atom's first place.
    SELECT @Read = N'[' + STRING_AGG(CONVERT(NVARCHAR(MAX), a.AtomId), N',') WITHIN GROUP (ORDER BY a.Part, a.Ordinal)
        + N']'
    FROM (
        SELECT 0 AS Part, CAST(o.[key] AS INT) AS Ordinal, CAST(o.[value] AS BIGINT) AS AtomId
        FROM OPENJSON(COALESCE(@InputAtoms, N'[]')) AS o
        UNION ALL
        SELECT 1, Ordinal, AtomId FROM #Evidence WHERE AtomId IS NOT NULL
    ) AS a;
    CREATE TABLE #Atoms (AtomId BIGINT NOT NULL PRIMARY KEY, FirstOrdinal INT NOT NULL, NodeKind VARCHAR(16) NULL);
    EXEC dbo.sp_ReadInferenceAtoms @Atoms = @Read;

    BEGIN TRY
        BEGIN TRANSACTION;
        INSERT INTO dbo.Inferences (TenantId, ModelId, Operation, Status, AsOf, CreatedAt, Units, ParentInferenceId)
        VALUES (@TenantId, NULL, @Operation, 'RUNNING', @Now, @Now, @Units, @ParentInferenceId);
        SET @InferenceId = SCOPE_IDENTITY();
        INSERT INTO dbo.InferenceEvidence (InferenceId, Ordinal, TenantId, Step, Role, AtomId, ConceptId, Score, Chosen)
        SELECT @InferenceId, Ordinal, @TenantId, Step, Role, AtomId, ConceptId, Score, Chosen
        FROM #Evidence;

        SET @Label = CONCAT(@Operation, N' #', @InferenceId);
        EXEC dbo.sp_InferenceNodeProperties @InferenceId = @InferenceId, @ParentInferenceId = @ParentInferenceId,
                                            @Properties = @Properties OUTPUT;
        EXEC graph.sp_PutNode @NodeKind = 'INFERENCE', @RefId = @InferenceId, @Label = @Label, @Relabel = 1,
                              @NodeId = @RunNode OUTPUT, @Properties = @Properties;
        EXEC dbo.sp_LinkInferenceAtoms @RunNodeId = @RunNode, @Relation = N'read';
        DELETE FROM #Atoms
        WHERE NOT EXISTS (SELECT 1 FROM #Evidence AS e WHERE e.AtomId = #Atoms.AtomId AND e.Chosen = 1);
        EXEC dbo.sp_LinkInferenceAtoms @RunNodeId = @RunNode, @Relation = N'chose';
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    EXEC dbo.sp_GetInference @InferenceId = @InferenceId;
END;
GO

-- A run's evidence in the order it was written (none for a model run or a record the session tenant does not see).
CREATE OR ALTER PROCEDURE dbo.sp_GetInferenceEvidence
    @InferenceId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT Step, Role, AtomId, ConceptId, Score, Chosen
    FROM dbo.InferenceEvidence
    WHERE InferenceId = @InferenceId
    ORDER BY Ordinal;
END;
GO

-- The session tenant's runs whose parent is @InferenceId, oldest first.
CREATE OR ALTER PROCEDURE dbo.sp_ListInferenceChildren
    @InferenceId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT r.InferenceId, r.ModelId, r.Operation, r.Status, r.AsOf, r.CreatedAt, r.DurationMs, r.Units,
           r.OutputSummary, r.Error, r.ParentInferenceId, r.ModelAtomId, r.WeightVersion, r.InputSha256,
           r.InputAtoms, r.Tensors
    FROM dbo.Inferences AS i
    INNER JOIN dbo.InferenceRecords AS r ON r.InferenceId = i.InferenceId
    WHERE i.ParentInferenceId = @InferenceId
    ORDER BY i.InferenceId;
END;
GO

-- Ends a RUNNING record of the session tenant as SUCCEEDED (with 'produced' edges to @ProducedAtoms) or FAILED;
-- 50409 if it already ended. Result: the record.
CREATE OR ALTER PROCEDURE dbo.sp_EndInference
    @InferenceId   BIGINT,
    @Status        VARCHAR(16),
    @DurationMs    BIGINT,
    @OutputSummary NVARCHAR(MAX) = NULL,
    @Error         NVARCHAR(4000) = NULL,
    @ProducedAtoms NVARCHAR(MAX) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @Current VARCHAR(16), @Operation VARCHAR(64), @RunNode BIGINT;
    DECLARE @Label NVARCHAR(512);
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @Status IS NULL OR @Status NOT IN ('SUCCEEDED', 'FAILED')
        THROW 50400, N'a run ends SUCCEEDED or FAILED', 1;
    IF @DurationMs IS NULL OR @DurationMs < 0
        THROW 50400, N'a duration is >= 0 ms', 1;

    CREATE TABLE #Atoms (AtomId BIGINT NOT NULL PRIMARY KEY, FirstOrdinal INT NOT NULL, NodeKind VARCHAR(16) NULL);

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @Current = Status, @Operation = Operation
        FROM dbo.Inferences WITH (UPDLOCK, HOLDLOCK)
        WHERE InferenceId = @InferenceId;
        IF @Current IS NULL
        BEGIN
            SET @message = CONCAT(N'inference ', @InferenceId, N' not found');
            THROW 50404, @message, 1;
        END;
        IF @Current <> 'RUNNING'
        BEGIN
            SET @message = CONCAT(N'inference ', @InferenceId, N' already ended (', @Current, N')');
            THROW 50409, @message, 1;
        END;
        EXEC dbo.sp_ReadInferenceAtoms @Atoms = @ProducedAtoms;

        UPDATE dbo.Inferences
        SET Status = @Status, DurationMs = @DurationMs, OutputSummary = @OutputSummary, Error = @Error
        WHERE InferenceId = @InferenceId;
        SET @Label = CONCAT(@Operation, N' #', @InferenceId);
        EXEC graph.sp_PutNode @NodeKind = 'INFERENCE', @RefId = @InferenceId, @Label = @Label, @Relabel = 0,
                              @NodeId = @RunNode OUTPUT;
        EXEC dbo.sp_LinkInferenceAtoms @RunNodeId = @RunNode, @Relation = N'produced';
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    EXEC dbo.sp_GetInference @InferenceId = @InferenceId;
END;
GO

-- The model's weight version as of @AsOf (NULL: now): the last weight change at or before it, or the model's
-- creation. Result: WeightVersion.
CREATE OR ALTER PROCEDURE dbo.sp_GetWeightVersion
    @ModelId BIGINT,
    @AsOf    DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048), @CreatedAt DATETIME2(7);
    DECLARE @At DATETIME2(7) = COALESCE(@AsOf, SYSUTCDATETIME());
    SELECT @CreatedAt = CreatedAt FROM dbo.Models WHERE ModelId = @ModelId;
    IF @CreatedAt IS NULL
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT COALESCE(
        (SELECT MAX(ChangedAt) FROM dbo.ModelWeightChanges WHERE ModelId = @ModelId AND ChangedAt <= @At),
        @CreatedAt) AS WeightVersion;
END;
GO
