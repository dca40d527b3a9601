-- Concepts of the session tenant (SqlServerConceptStore; the embedded engine's EmbeddedConceptStore). Tables in 028.
-- The DBSCAN plan is computed by the engine-neutral ConceptDiscovery (Java) from the points dbo.sp_ListConceptPoints
-- returns and the neighbourhoods dbo.sp_HybridSearch / dbo.sp_ExactVectorSearch (073) answer; this file lists the
-- points, stores a plan as one generation with its inference record, evidence and provenance in one transaction
-- (dbo.sp_RecordConceptGeneration), and answers the reads. Row-level security keeps everything to the session tenant.
-- Errors: 50400 invalid argument, 50401 no tenant, 50404 not found or not visible, 50409 conflict.

-- A concept with its generation's number and type, its domain as WKT.
CREATE OR ALTER VIEW dbo.ConceptRecords
AS
SELECT
    c.ConceptId, c.GenerationId, g.Generation, g.EmbeddingType, c.Ordinal, c.MemberCount, c.Coherence, c.Dimension,
    c.Centroid, c.CentroidX, c.CentroidY, c.Domain.STAsText() AS DomainWkt, g.CreatedAt, g.TenantId
FROM dbo.Concepts AS c
INNER JOIN dbo.ConceptGenerations AS g ON g.GenerationId = c.GenerationId;
GO

-- Every embedding of @EmbeddingType the session tenant sees, one per atom (its own before a built-in one).
-- Result: AtomId, Dimension, EmbeddingVector, ProjectionX, ProjectionY, by atom id.
CREATE OR ALTER PROCEDURE dbo.sp_ListConceptPoints
    @EmbeddingType NVARCHAR(64)
AS
BEGIN
    SET NOCOUNT ON;
    IF @EmbeddingType IS NULL OR LEN(@EmbeddingType) = 0
        THROW 50400, N'embeddingType is required (1-64 characters)', 1;
    SELECT p.AtomId, p.Dimension, p.EmbeddingVector, p.ProjectionX, p.ProjectionY
    FROM (
        SELECT e.AtomId, e.Dimension, e.EmbeddingVector, e.ProjectionX, e.ProjectionY,
               ROW_NUMBER() OVER (PARTITION BY e.AtomId
                                  ORDER BY CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END, e.EmbeddingId) AS Pick
        FROM dbo.AtomEmbeddings AS e
        INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
        WHERE e.EmbeddingType = @EmbeddingType
    ) AS p
    WHERE p.Pick = 1
    ORDER BY p.AtomId;
END;
GO

-- The generation @GenerationId, or else the last of @EmbeddingType created at or before @AsOf (NULL: now).
CREATE OR ALTER PROCEDURE dbo.sp_GetConceptGeneration
    @EmbeddingType NVARCHAR(64) = NULL,
    @AsOf          DATETIME2(7) = NULL,
    @GenerationId  BIGINT = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SELECT TOP (1) GenerationId, EmbeddingType, Generation, InferenceId, Metric, Eps, MinPts, ConceptCount,
                   NoiseCount, CreatedAt
    FROM dbo.ConceptGenerations
    WHERE (@GenerationId IS NOT NULL AND GenerationId = @GenerationId)
       OR (@GenerationId IS NULL AND EmbeddingType = @EmbeddingType AND (@AsOf IS NULL OR CreatedAt <= @AsOf))
    ORDER BY Generation DESC
    OPTION (RECOMPILE);
END;
GO

-- A generation's members by concept: ConceptId, AtomId (NULL for a concept without members), by concept.
CREATE OR ALTER PROCEDURE dbo.sp_GetConceptMembership
    @GenerationId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT c.ConceptId, ac.AtomId
    FROM dbo.Concepts AS c
    LEFT JOIN dbo.AtomConcepts AS ac ON ac.ConceptId = c.ConceptId
    WHERE c.GenerationId = @GenerationId
    ORDER BY c.ConceptId, ac.AtomId;
END;
GO

-- Stores one discover run's plan as the next generation of @EmbeddingType, in one transaction: the inference record
-- (concepts.discover, no model), the generation, its concepts (domains from WKT as GEOMETRY), their members, the
-- evolution from the previous generation, the evidence (members with concept and similarity, chosen; noise, not
-- chosen) and the INFERENCE node with 'read' edges to every point and 'chose' edges to the members; then the record
-- ends SUCCEEDED. 50409 when the last generation is no longer @PreviousGeneration (a concurrent run recorded one).
-- @Concepts: [{ordinal, coherence, dimension, centroid: [...], x, y, domain: WKT, members: [{atomId, similarity}]}];
-- @Noise: [atomId, ...]; @Evolution: [{kind, fromConceptId, toOrdinal, sharedMembers}]. Result: the generation.
CREATE OR ALTER PROCEDURE dbo.sp_RecordConceptGeneration
    @EmbeddingType      NVARCHAR(64),
    @Metric             VARCHAR(16),
    @Eps                FLOAT,
    @MinPts             INT,
    @Points             BIGINT,
    @PreviousGeneration INT = NULL,
    @DurationMs         BIGINT,
    @Summary            NVARCHAR(MAX) = NULL,
    @Concepts           NVARCHAR(MAX) = NULL,
    @Noise              NVARCHAR(MAX) = NULL,
    @Evolution          NVARCHAR(MAX) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @Now DATETIME2(7) = SYSUTCDATETIME(), @Last INT, @Generation INT;
    DECLARE @InferenceId BIGINT, @GenerationId BIGINT, @RunNode BIGINT, @Label NVARCHAR(512), @Read NVARCHAR(MAX);
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @EmbeddingType IS NULL OR LEN(@EmbeddingType) = 0 OR @Metric IS NULL OR @Metric NOT IN ('cosine', 'euclidean')
       OR @Eps IS NULL OR @Eps <= 0 OR @MinPts IS NULL OR @MinPts < 1 OR @MinPts > 1000 OR @Points IS NULL
       OR @Points < 0 OR @DurationMs IS NULL OR @DurationMs < 0
        THROW 50400, N'a generation needs a type, cosine or euclidean, eps > 0, minPts 1-1000 and its counts', 1;
    IF ISJSON(COALESCE(@Concepts, N'[]')) = 0 OR ISJSON(COALESCE(@Noise, N'[]')) = 0
       OR ISJSON(COALESCE(@Evolution, N'[]')) = 0
        THROW 50400, N'concepts, noise and evolution are JSON arrays', 1;

    CREATE TABLE #Concepts (
        Ordinal INT NOT NULL PRIMARY KEY, Coherence FLOAT NOT NULL, Dimension INT NOT NULL,
        Centroid NVARCHAR(MAX) NOT NULL, X FLOAT NOT NULL, Y FLOAT NOT NULL, Domain NVARCHAR(MAX) NOT NULL,
        Members NVARCHAR(MAX) NOT NULL, ConceptId BIGINT NULL);
    INSERT INTO #Concepts (Ordinal, Coherence, Dimension, Centroid, X, Y, Domain, Members)
    SELECT c.Ordinal, c.Coherence, c.Dimension, c.Centroid, c.X, c.Y, c.Domain, c.Members
    FROM OPENJSON(COALESCE(@Concepts, N'[]')) WITH (
        Ordinal   INT           '$.ordinal',
        Coherence FLOAT         '$.coherence',
        Dimension INT           '$.dimension',
        Centroid  NVARCHAR(MAX) '$.centroid' AS JSON,
        X         FLOAT         '$.x',
        Y         FLOAT         '$.y',
        Domain    NVARCHAR(MAX) '$.domain',
        Members   NVARCHAR(MAX) '$.members' AS JSON
    ) AS c;
    CREATE TABLE #Members (
        Ordinal INT NOT NULL, Position INT NOT NULL, AtomId BIGINT NOT NULL, Similarity FLOAT NOT NULL,
        PRIMARY KEY (Ordinal, Position));
    INSERT INTO #Members (Ordinal, Position, AtomId, Similarity)
    SELECT c.Ordinal, CAST(j.[key] AS INT), m.AtomId, m.Similarity
    FROM #Concepts AS c
    CROSS APPLY OPENJSON(c.Members) AS j
    CROSS APPLY OPENJSON(j.[value]) WITH (AtomId BIGINT '$.atomId', Similarity FLOAT '$.similarity') AS m;
    CREATE TABLE #Noise (Position INT NOT NULL PRIMARY KEY, AtomId BIGINT NOT NULL);
    INSERT INTO #Noise (Position, AtomId)
    SELECT CAST(o.[key] AS INT), CAST(o.[value] AS BIGINT)
    FROM OPENJSON(COALESCE(@Noise, N'[]')) AS o;

    -- Every point the run read, members by concept first, then the noise (sp_ReadInferenceAtoms keeps that order).
    SELECT @Read = N'[' + STRING_AGG(CONVERT(NVARCHAR(MAX), p.AtomId), N',')
        WITHIN GROUP (ORDER BY p.Part, p.Ordinal, p.Position) + N']'
    FROM (
        SELECT 0 AS Part, Ordinal, Position, AtomId FROM #Members
        UNION ALL
        SELECT 1, 0, Position, AtomId FROM #Noise
    ) AS p;
    CREATE TABLE #Atoms (AtomId BIGINT NOT NULL PRIMARY KEY, FirstOrdinal INT NOT NULL, NodeKind VARCHAR(16) NULL);
    EXEC dbo.sp_ReadInferenceAtoms @Atoms = @Read;

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @Last = MAX(Generation)
        FROM dbo.ConceptGenerations WITH (UPDLOCK, HOLDLOCK)
        WHERE TenantId = @TenantId AND EmbeddingType = @EmbeddingType;
        IF COALESCE(@Last, 0) <> COALESCE(@PreviousGeneration, 0)
        BEGIN
            SET @message = CONCAT(N'another discover run of ', @EmbeddingType, N' recorded generation ', @Last,
                                  N' meanwhile; run it again');
            THROW 50409, @message, 1;
        END;
        SET @Generation = COALESCE(@Last, 0) + 1;

        INSERT INTO dbo.Inferences (TenantId, ModelId, Operation, Status, AsOf, CreatedAt, Units)
        VALUES (@TenantId, NULL, 'concepts.discover', 'RUNNING', @Now, @Now, @Points);
        SET @InferenceId = SCOPE_IDENTITY();
        INSERT INTO dbo.ConceptGenerations (TenantId, EmbeddingType, Generation, InferenceId, Metric, Eps, MinPts,
                                            ConceptCount, NoiseCount, CreatedAt)
        VALUES (@TenantId, @EmbeddingType, @Generation, @InferenceId, @Metric, @Eps, @MinPts,
                (SELECT COUNT(*) FROM #Concepts), (SELECT COUNT(*) FROM #Noise), @Now);
        SET @GenerationId = SCOPE_IDENTITY();

        INSERT INTO dbo.Concepts (GenerationId, TenantId, Ordinal, MemberCount, Coherence, Dimension, Centroid,
                                  CentroidX, CentroidY, Domain)
        SELECT @GenerationId, @TenantId, c.Ordinal, (SELECT COUNT(*) FROM #Members AS m WHERE m.Ordinal = c.Ordinal),
               c.Coherence, c.Dimension, c.Centroid, c.X, c.Y, geometry::STGeomFromText(c.Domain, 0)
        FROM #Concepts AS c;
        UPDATE c
        SET ConceptId = k.ConceptId
        FROM #Concepts AS c
        INNER JOIN dbo.Concepts AS k ON k.GenerationId = @GenerationId AND k.Ordinal = c.Ordinal;
        INSERT INTO dbo.AtomConcepts (ConceptId, AtomId, TenantId, Similarity)
        SELECT c.ConceptId, m.AtomId, @TenantId, m.Similarity
        FROM #Members AS m
        INNER JOIN #Concepts AS c ON c.Ordinal = m.Ordinal;
        INSERT INTO dbo.ConceptEvolution (GenerationId, Ordinal, TenantId, Kind, FromConceptId, ToConceptId,
                                          SharedMembers)
        SELECT @GenerationId, CAST(o.[key] AS INT), @TenantId, e.Kind, e.FromConceptId, c.ConceptId, e.SharedMembers
        FROM OPENJSON(COALESCE(@Evolution, N'[]')) AS o
        CROSS APPLY OPENJSON(o.[value]) WITH (
            Kind          VARCHAR(8) '$.kind',
            FromConceptId BIGINT     '$.fromConceptId',
            ToOrdinal     INT        '$.toOrdinal',
            SharedMembers INT        '$.sharedMembers'
        ) AS e
        LEFT JOIN #Concepts AS c ON c.Ordinal = e.ToOrdinal;

        INSERT INTO dbo.InferenceEvidence (InferenceId, Ordinal, TenantId, Step, Role, AtomId, ConceptId, Score,
                                           Chosen)
        SELECT @InferenceId, CAST(ROW_NUMBER() OVER (ORDER BY e.Part, e.Ordinal, e.Position) - 1 AS INT), @TenantId,
               0, e.Role, e.AtomId, e.ConceptId, e.Score, e.Chosen
        FROM (
            SELECT 0 AS Part, m.Ordinal, m.Position, 'member' AS Role, m.AtomId, c.ConceptId, m.Similarity AS Score,
                   CAST(1 AS BIT) AS Chosen
            FROM #Members AS m
            INNER JOIN #Concepts AS c ON c.Ordinal = m.Ordinal
            UNION ALL
            SELECT 1, 0, n.Position, 'noise', n.AtomId, NULL, 0, CAST(0 AS BIT)
            FROM #Noise AS n
        ) AS e;

        SET @Label = CONCAT(N'concepts.discover #', @InferenceId);
        EXEC graph.sp_PutNode @NodeKind = 'INFERENCE', @RefId = @InferenceId, @Label = @Label, @Relabel = 1,
                              @NodeId = @RunNode OUTPUT;
        EXEC dbo.sp_LinkInferenceAtoms @RunNodeId = @RunNode, @Relation = N'read';
        DELETE FROM #Atoms
        WHERE NOT EXISTS (SELECT 1 FROM #Members AS m WHERE m.AtomId = #Atoms.AtomId);
        EXEC dbo.sp_LinkInferenceAtoms @RunNodeId = @RunNode, @Relation = N'chose';

        UPDATE dbo.Inferences
        SET Status = 'SUCCEEDED', DurationMs = @DurationMs, OutputSummary = @Summary
        WHERE InferenceId = @InferenceId;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    EXEC dbo.sp_GetConceptGeneration @GenerationId = @GenerationId;
END;
GO

-- A generation's concepts by ordinal (@GenerationId), or one concept (@ConceptId).
CREATE OR ALTER PROCEDURE dbo.sp_GetConcepts
    @GenerationId BIGINT = NULL,
    @ConceptId    BIGINT = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SELECT ConceptId, GenerationId, Generation, EmbeddingType, Ordinal, MemberCount, Coherence, Dimension, Centroid,
           CentroidX, CentroidY, DomainWkt
    FROM dbo.ConceptRecords
    WHERE (@ConceptId IS NOT NULL AND ConceptId = @ConceptId)
       OR (@ConceptId IS NULL AND GenerationId = @GenerationId)
    ORDER BY Ordinal
    OPTION (RECOMPILE);
END;
GO

-- A concept's members, most similar first (ties by atom id).
CREATE OR ALTER PROCEDURE dbo.sp_GetConceptMembers
    @ConceptId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT AtomId, Similarity
    FROM dbo.AtomConcepts
    WHERE ConceptId = @ConceptId
    ORDER BY Similarity DESC, AtomId;
END;
GO

-- The concepts of the same generation whose domains touch this one's (share an edge or a corner), by ordinal.
CREATE OR ALTER PROCEDURE dbo.sp_GetConceptNeighbours
    @ConceptId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @Domain GEOMETRY, @GenerationId BIGINT;
    SELECT @Domain = Domain, @GenerationId = GenerationId FROM dbo.Concepts WHERE ConceptId = @ConceptId;
    SELECT c.ConceptId
    FROM dbo.Concepts AS c
    WHERE c.GenerationId = @GenerationId AND c.ConceptId <> @ConceptId AND c.Domain.STIntersects(@Domain) = 1
    ORDER BY c.Ordinal;
END;
GO

-- How a generation came from the previous one, in order.
CREATE OR ALTER PROCEDURE dbo.sp_GetConceptEvolution
    @GenerationId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT Kind, FromConceptId, ToConceptId, SharedMembers
    FROM dbo.ConceptEvolution
    WHERE GenerationId = @GenerationId
    ORDER BY Ordinal;
END;
GO

-- The concept whose domain holds (@X, @Y) in the generation of @EmbeddingType current at @AsOf (NULL: now); a point
-- on a shared edge is in the domain of the lower ordinal. Result: the concept, or no row.
CREATE OR ALTER PROCEDURE dbo.sp_GetConceptAt
    @EmbeddingType NVARCHAR(64),
    @X             FLOAT,
    @Y             FLOAT,
    @AsOf          DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @Point GEOMETRY = geometry::Point(@X, @Y, 0);
    DECLARE @GenerationId BIGINT = (
        SELECT TOP (1) GenerationId
        FROM dbo.ConceptGenerations
        WHERE EmbeddingType = @EmbeddingType AND (@AsOf IS NULL OR CreatedAt <= @AsOf)
        ORDER BY Generation DESC);
    SELECT TOP (1) r.ConceptId, r.GenerationId, r.Generation, r.EmbeddingType, r.Ordinal, r.MemberCount, r.Coherence,
                   r.Dimension, r.Centroid, r.CentroidX, r.CentroidY, r.DomainWkt
    FROM dbo.Concepts AS c
    INNER JOIN dbo.ConceptRecords AS r ON r.ConceptId = c.ConceptId
    WHERE c.GenerationId = @GenerationId AND c.Domain.STIntersects(@Point) = 1
    ORDER BY c.Ordinal;
END;
GO

-- The concepts @AtomId is bound to, one per embedding type, in the generations current at @AsOf (NULL: now).
CREATE OR ALTER PROCEDURE dbo.sp_GetAtomConcepts
    @AtomId BIGINT,
    @AsOf   DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SELECT c.ConceptId, g.GenerationId, g.Generation, g.EmbeddingType, ac.Similarity
    FROM dbo.AtomConcepts AS ac
    INNER JOIN dbo.Concepts AS c ON c.ConceptId = ac.ConceptId
    INNER JOIN dbo.ConceptGenerations AS g ON g.GenerationId = c.GenerationId
    WHERE ac.AtomId = @AtomId
      AND g.Generation = (
          SELECT MAX(g2.Generation)
          FROM dbo.ConceptGenerations AS g2
          WHERE g2.EmbeddingType = g.EmbeddingType AND (@AsOf IS NULL OR g2.CreatedAt <= @AsOf))
    ORDER BY g.EmbeddingType;
END;
GO
