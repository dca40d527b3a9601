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
    DECLARE @Properties NVARCHAR(MAX);
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
        EXEC dbo.sp_InferenceNodeProperties @InferenceId = @InferenceId, @Properties = @Properties OUTPUT;
        EXEC graph.sp_PutNode @NodeKind = 'INFERENCE', @RefId = @InferenceId, @Label = @Label, @Relabel = 1,
                              @NodeId = @RunNode OUTPUT, @Properties = @Properties;
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

-- Paths and generation over the session tenant's embeddings (issue 13): A* paths over the k-nearest-neighbour graph and
-- attention generation (SqlServerReasoningStore). Same results as the embedded EmbeddedReasoningStore for the same
-- data and seed (docs/decisions.md, "Reasoning: A* paths and attention generation"): an atom's vector of a type is
-- the tenant's own embedding if it has one, else the built-in one; every ordering breaks ties by atom id; the draws
-- come from the Park-Miller generator (state * 48271 mod 2147483647, in BIGINT without overflow).
-- Row-level security on dbo.AtomEmbeddings keeps every read to what the session tenant sees.
-- Errors: 50400 invalid argument (and a type with no visible embedding), 50404 atom not found or without an
-- embedding of the type.

-- A* from @FromAtomId to @ToAtomId. The edges out of an atom go to its @K nearest others of the type (exact
-- distances, ties by atom id), each costing that distance. Heuristic: the exact euclidean distance to the goal for
-- euclidean (admissible and consistent: the triangle inequality), none (h = 0, Dijkstra) for cosine, whose distance
-- has no triangle inequality; the planar distance of the projected points is no lower bound (X is a landmark's
-- number). @Heuristic 'none' asks for Dijkstra whatever the metric (NULL: the metric's own; 'exact' only for
-- euclidean). The open set is taken by F, then atom id. It stops unfinished after @MaxExpanded expansions.
-- Result: one row per atom of the path (Ordinal from 0, AtomId, Cost from the start) with Found, Expanded,
-- Exhausted and Heuristic on every row; without a path one row with Ordinal 0 and AtomId NULL.
CREATE OR ALTER PROCEDURE dbo.sp_GenerateOptimalPath
    @FromAtomId    BIGINT,
    @ToAtomId      BIGINT,
    @EmbeddingType NVARCHAR(64),
    @K             INT,
    @Metric        VARCHAR(16),
    @MaxExpanded   INT = 10000,
    @Heuristic     VARCHAR(8) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    IF @FromAtomId IS NULL OR @ToAtomId IS NULL
        THROW 50400, N'a path needs a start and a goal atom', 1;
    IF @EmbeddingType IS NULL OR LEN(@EmbeddingType) = 0
        THROW 50400, N'embeddingType is required (1-64 characters)', 1;
    IF @K IS NULL OR @K < 1 OR @K > 1000
        THROW 50400, N'k must be between 1 and 1000', 1;
    IF @Metric IS NULL OR @Metric NOT IN ('cosine', 'euclidean')
        THROW 50400, N'metric dot gives negative edge costs; a path needs euclidean or cosine', 1;
    IF @MaxExpanded IS NULL OR @MaxExpanded < 1 OR @MaxExpanded > 1000000
        THROW 50400, N'maxExpanded must be between 1 and 1000000', 1;
    IF @Heuristic IS NULL
        SET @Heuristic = CASE WHEN @Metric = 'euclidean' THEN 'exact' ELSE 'none' END;
    IF @Heuristic NOT IN ('exact', 'none') OR (@Heuristic = 'exact' AND @Metric <> 'euclidean')
        THROW 50400, N'heuristic exact is admissible only for euclidean; use none', 1;

    -- Each atom once, with its vector of the type: the tenant's own embedding before the built-in one.
    CREATE TABLE #Nodes (AtomId BIGINT NOT NULL PRIMARY KEY, EmbeddingId BIGINT NOT NULL);
    INSERT INTO #Nodes (AtomId, EmbeddingId)
    SELECT v.AtomId, v.EmbeddingId
    FROM (
        SELECT e.AtomId, e.EmbeddingId,
               ROW_NUMBER() OVER (PARTITION BY e.AtomId
                                  ORDER BY CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END) AS Preference
        FROM dbo.AtomEmbeddings AS e
        INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
        WHERE e.EmbeddingType = @EmbeddingType
    ) AS v
    WHERE v.Preference = 1;
    IF NOT EXISTS (SELECT 1 FROM #Nodes)
        THROW 50400, N'unknown embedding type: no embedding of it is visible', 1;
    IF NOT EXISTS (SELECT 1 FROM #Nodes WHERE AtomId = @FromAtomId)
        THROW 50404, N'the start atom is not found or has no embedding of the type', 1;
    IF NOT EXISTS (SELECT 1 FROM #Nodes WHERE AtomId = @ToAtomId)
        THROW 50404, N'the goal atom is not found or has no embedding of the type', 1;

    DECLARE @Goal VECTOR(1998) = (
        SELECT e.EmbeddingVector
        FROM #Nodes AS n
        INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId
        WHERE n.AtomId = @ToAtomId);

    CREATE TABLE #Open (
        AtomId BIGINT NOT NULL PRIMARY KEY,
        G      FLOAT NOT NULL,
        F      FLOAT NOT NULL,
        Parent BIGINT NULL,
        Closed BIT NOT NULL
    );
    CREATE INDEX IX_Open_Next ON #Open (Closed, F, AtomId);
    CREATE TABLE #Edges (AtomId BIGINT NOT NULL PRIMARY KEY, Cost FLOAT NOT NULL, H FLOAT NOT NULL);

    INSERT INTO #Open (AtomId, G, F, Parent, Closed)
    SELECT n.AtomId, 0,
           CASE WHEN @Heuristic = 'exact'
                THEN IIF(VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Goal) > 0,
                         VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Goal), 0)
                ELSE 0 END,
           NULL, 0
    FROM #Nodes AS n
    INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId
    WHERE n.AtomId = @FromAtomId;

    DECLARE @u BIGINT, @g FLOAT, @uVector VECTOR(1998);
    DECLARE @Expanded INT = 0, @Found BIT = 0, @Exhausted BIT = 0;
    WHILE 1 = 1
    BEGIN
        SET @u = NULL;
        SELECT TOP (1) @u = AtomId, @g = G FROM #Open WHERE Closed = 0 ORDER BY F, AtomId;
        IF @u IS NULL
            BREAK;
        IF @u = @ToAtomId
        BEGIN
            SET @Found = 1;
            BREAK;
        END;
        IF @Expanded = @MaxExpanded
        BEGIN
            SET @Exhausted = 1;
            BREAK;
        END;
        UPDATE #Open SET Closed = 1 WHERE AtomId = @u;
        SET @Expanded += 1;
        SET @uVector = (
            SELECT e.EmbeddingVector
            FROM #Nodes AS n
            INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId
            WHERE n.AtomId = @u);

        -- The edges out of @u: its @K nearest others (a cost is never below 0, whatever the rounding).
        DELETE FROM #Edges;
        INSERT INTO #Edges (AtomId, Cost, H)
        SELECT TOP (@K) n.AtomId, IIF(d.Distance > 0, d.Distance, 0), 0
        FROM #Nodes AS n
        INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId
        CROSS APPLY (
            SELECT CASE @Metric
                       WHEN 'cosine' THEN VECTOR_DISTANCE('cosine', e.EmbeddingVector, @uVector)
                       ELSE VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @uVector)
                   END AS Distance
        ) AS d
        WHERE n.AtomId <> @u
        ORDER BY d.Distance, n.AtomId;
        IF @Heuristic = 'exact'
            UPDATE x
            SET H = IIF(VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Goal) > 0,
                        VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Goal), 0)
            FROM #Edges AS x
            INNER JOIN #Nodes AS n ON n.AtomId = x.AtomId
            INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId;

        -- Relax: an atom not yet closed keeps the cheaper of its known cost and the one through @u.
        MERGE #Open AS o
        USING (SELECT AtomId, @g + Cost AS G, H FROM #Edges) AS s
        ON o.AtomId = s.AtomId
        WHEN MATCHED AND o.Closed = 0 AND s.G < o.G THEN
            UPDATE SET G = s.G, F = s.G + s.H, Parent = @u
        WHEN NOT MATCHED THEN
            INSERT (AtomId, G, F, Parent, Closed) VALUES (s.AtomId, s.G, s.G + s.H, @u, 0);
    END;

    IF @Found = 1
    BEGIN
        WITH Path AS (
            SELECT o.AtomId, o.Parent, o.G, 0 AS Depth
            FROM #Open AS o
            WHERE o.AtomId = @ToAtomId
            UNION ALL
            SELECT o.AtomId, o.Parent, o.G, p.Depth + 1
            FROM #Open AS o
            INNER JOIN Path AS p ON o.AtomId = p.Parent
        )
        SELECT CAST(ROW_NUMBER() OVER (ORDER BY Depth DESC) - 1 AS INT) AS Ordinal, AtomId, G AS Cost,
               @Found AS Found, @Expanded AS Expanded, @Exhausted AS Exhausted, @Heuristic AS Heuristic
        FROM Path
        ORDER BY Depth DESC
        OPTION (MAXRECURSION 0);
    END
    ELSE
        SELECT 0 AS Ordinal, CAST(NULL AS BIGINT) AS AtomId, CAST(NULL AS FLOAT) AS Cost, @Found AS Found,
               @Expanded AS Expanded, @Exhausted AS Exhausted, @Heuristic AS Heuristic;
END;
GO

-- Attention generation: from @Context (a JSON array of 1998 numbers, the vector zero-padded as the engine sends
-- vectors in JSON) or the vector of @ContextAtomId of the type, each of @Steps steps takes
-- the hybrid top @K (dbo.sp_HybridSearch) for the current context, each distinct atom once with its own vector and
-- its distance to the context recomputed from it; similarity = 1 - distance (cosine) or -distance; weights =
-- softmax(similarity / @Temperature) from the largest similarity down; one uniform draw u = state / 2147483647 picks
-- the first candidate (by similarity descending, then atom id) whose cumulative weight exceeds u (the last if
-- rounding leaves the sum below u); the context becomes sum(weight * vector), dimension by dimension.
-- Result: a row per candidate of every step: Step (from 1), Draw, Ordinal (from 0), AtomId, Similarity, Weight,
-- Chosen, LogProbability (of the chosen one, on every row of its step).
CREATE OR ALTER PROCEDURE dbo.sp_GenerateWithAttention
    @Context       NVARCHAR(MAX) = NULL,
    @ContextAtomId BIGINT = NULL,
    @EmbeddingType NVARCHAR(64),
    @Steps         INT,
    @K             INT,
    @Temperature   FLOAT,
    @Seed          BIGINT,
    @Metric        VARCHAR(16)
AS
BEGIN
    SET NOCOUNT ON;
    IF (@Context IS NULL AND @ContextAtomId IS NULL) OR (@Context IS NOT NULL AND @ContextAtomId IS NOT NULL)
        THROW 50400, N'give either a context vector or a context atom, not both or neither', 1;
    IF @EmbeddingType IS NULL OR LEN(@EmbeddingType) = 0
        THROW 50400, N'embeddingType is required (1-64 characters)', 1;
    IF @Steps IS NULL OR @Steps < 1 OR @Steps > 1000
        THROW 50400, N'steps must be between 1 and 1000', 1;
    IF @K IS NULL OR @K < 1 OR @K > 1000
        THROW 50400, N'k must be between 1 and 1000', 1;
    IF CAST(@Steps AS BIGINT) * @K > 100000
        THROW 50400, N'steps x k must be at most 100000 (every candidate of every step is recorded)', 1;
    IF @Temperature IS NULL OR @Temperature <= 0
        THROW 50400, N'temperature must be a finite number above 0', 1;
    IF @Seed IS NULL
        THROW 50400, N'a seed is required', 1;
    IF @Metric IS NULL OR @Metric NOT IN ('cosine', 'euclidean', 'dot')
        THROW 50400, N'metric must be cosine, euclidean or dot', 1;
    IF NOT EXISTS (
        SELECT 1
        FROM dbo.AtomEmbeddings AS e
        INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
        WHERE e.EmbeddingType = @EmbeddingType)
        THROW 50400, N'unknown embedding type: no embedding of it is visible', 1;
    DECLARE @Vector VECTOR(1998);
    IF @ContextAtomId IS NOT NULL
    BEGIN
        SELECT TOP (1) @Vector = e.EmbeddingVector
        FROM dbo.AtomEmbeddings AS e
        INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
        WHERE e.AtomId = @ContextAtomId AND e.EmbeddingType = @EmbeddingType
        ORDER BY CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END;
        IF @Vector IS NULL
            THROW 50404, N'the context atom is not found or has no embedding of the type', 1;
    END
    ELSE
        SET @Vector = CAST(@Context AS VECTOR(1998));

    -- Park-Miller: the seed mapped to 1..2147483646 as (seed mod 2147483646) + 1, the modulo taken non-negative.
    DECLARE @State BIGINT = ((@Seed % 2147483646) + 2147483646) % 2147483646 + 1;
    DECLARE @Step INT = 1, @Draw FLOAT, @Max FLOAT, @Sum FLOAT, @Chosen INT, @Text NVARCHAR(MAX);

    CREATE TABLE #Hits (
        AtomId        BIGINT NOT NULL,
        EmbeddingType NVARCHAR(64) NOT NULL,
        Distance      FLOAT NOT NULL,
        Examined      BIGINT NOT NULL
    );
    -- Named apart from dbo.sp_HybridSearch's own #Candidates, which it creates while this procedure runs.
    CREATE TABLE #StepCandidates (
        AtomId      BIGINT NOT NULL PRIMARY KEY,
        EmbeddingId BIGINT NOT NULL,
        Similarity  FLOAT NOT NULL,
        Ordinal     INT NULL,
        Weight      FLOAT NULL
    );
    CREATE TABLE #Steps (
        Step           INT NOT NULL,
        Draw           FLOAT NOT NULL,
        Ordinal        INT NOT NULL,
        AtomId         BIGINT NOT NULL,
        Similarity     FLOAT NOT NULL,
        Weight         FLOAT NOT NULL,
        Chosen         BIT NOT NULL,
        LogProbability FLOAT NOT NULL,
        PRIMARY KEY (Step, Ordinal)
    );

    WHILE @Step <= @Steps
    BEGIN
        DELETE FROM #Hits;
        DELETE FROM #StepCandidates;
        INSERT INTO #Hits (AtomId, EmbeddingType, Distance, Examined)
        EXEC dbo.sp_HybridSearch @Vector = @Vector, @K = @K, @Metric = @Metric, @EmbeddingType = @EmbeddingType;

        INSERT INTO #StepCandidates (AtomId, EmbeddingId, Similarity)
        SELECT h.AtomId, v.EmbeddingId,
               CASE WHEN @Metric = 'cosine' THEN 1.0 - d.Distance ELSE -d.Distance END
        FROM (SELECT DISTINCT AtomId FROM #Hits) AS h
        CROSS APPLY (
            SELECT TOP (1) e.EmbeddingId, e.EmbeddingVector
            FROM dbo.AtomEmbeddings AS e
            WHERE e.AtomId = h.AtomId AND e.EmbeddingType = @EmbeddingType
            ORDER BY CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END
        ) AS v
        CROSS APPLY (
            SELECT CASE @Metric
                       WHEN 'cosine' THEN VECTOR_DISTANCE('cosine', v.EmbeddingVector, @Vector)
                       WHEN 'dot' THEN VECTOR_DISTANCE('dot', v.EmbeddingVector, @Vector)
                       ELSE VECTOR_DISTANCE('euclidean', v.EmbeddingVector, @Vector)
                   END AS Distance
        ) AS d;
        IF NOT EXISTS (SELECT 1 FROM #StepCandidates)
            THROW 50400, N'unknown embedding type: no embedding of it is visible', 1;

        UPDATE c
        SET Ordinal = r.Ordinal
        FROM #StepCandidates AS c
        INNER JOIN (
            SELECT AtomId, CAST(ROW_NUMBER() OVER (ORDER BY Similarity DESC, AtomId) - 1 AS INT) AS Ordinal
            FROM #StepCandidates
        ) AS r ON r.AtomId = c.AtomId;
        SET @Max = (SELECT MAX(Similarity) FROM #StepCandidates);
        SET @Sum = (SELECT SUM(EXP((Similarity - @Max) / @Temperature)) FROM #StepCandidates);
        UPDATE #StepCandidates SET Weight = EXP((Similarity - @Max) / @Temperature) / @Sum;

        SET @State = @State * 48271 % 2147483647;
        SET @Draw = CAST(@State AS FLOAT) / 2147483647.0;
        SET @Chosen = (
            SELECT MIN(c.Ordinal)
            FROM (
                SELECT Ordinal, SUM(Weight) OVER (ORDER BY Ordinal ROWS UNBOUNDED PRECEDING) AS Cumulative
                FROM #StepCandidates
            ) AS c
            WHERE @Draw < c.Cumulative);
        IF @Chosen IS NULL
            SET @Chosen = (SELECT MAX(Ordinal) FROM #StepCandidates);

        INSERT INTO #Steps (Step, Draw, Ordinal, AtomId, Similarity, Weight, Chosen, LogProbability)
        SELECT @Step, @Draw, c.Ordinal, c.AtomId, c.Similarity, c.Weight, IIF(c.Ordinal = @Chosen, 1, 0),
               (chosen.Similarity - @Max) / @Temperature - LOG(@Sum)
        FROM #StepCandidates AS c
        CROSS JOIN (SELECT Similarity FROM #StepCandidates WHERE Ordinal = @Chosen) AS chosen;

        -- The new context: sum(weight * value) per dimension, over the vectors as JSON arrays, written back with
        -- 17 significant digits (style 3) so the cast to float32 rounds once, as the embedded engine does.
        SET @Text = (
            SELECT N'[' + STRING_AGG(CONVERT(NVARCHAR(MAX), CONVERT(VARCHAR(32), m.Value, 3)), N',')
                       WITHIN GROUP (ORDER BY m.Dimension) + N']'
            FROM (
                SELECT CAST(j.[key] AS INT) AS Dimension, SUM(c.Weight * CAST(j.[value] AS FLOAT)) AS Value
                FROM #StepCandidates AS c
                INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = c.EmbeddingId
                CROSS APPLY OPENJSON(CAST(e.EmbeddingVector AS NVARCHAR(MAX))) AS j
                GROUP BY CAST(j.[key] AS INT)
            ) AS m);
        SET @Vector = CAST(@Text AS VECTOR(1998));
        SET @Step += 1;
    END;

    SELECT Step, Draw, Ordinal, AtomId, Similarity, Weight, Chosen, LogProbability
    FROM #Steps
    ORDER BY Step, Ordinal;
END;
GO
