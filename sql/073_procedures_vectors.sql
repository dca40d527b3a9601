-- Embeddings and nearest-neighbour search. Same algorithm as the embedded engine (EmbeddedVectorStore,
-- SpatialCandidates, io.hartonomous.storage.engine.SpatialCells; docs/decisions.md "Hybrid search projection"):
-- a type's landmarks (dbo.SpatialLandmarks, Axis = landmark number) partition its embeddings into cells, and an
-- embedding's 2-D point is (X, Y) = (the Axis of its nearest landmark, its Euclidean distance to that landmark).
-- Hybrid search ranks the type's landmarks by distance to the query, reads whole cells nearest first through the
-- spatial index (a box around X = cell) until it has the candidates it wants - in the last cell, those whose Y is
-- nearest the query's own distance to that landmark - and reranks them with exact VECTOR_DISTANCE; exact search
-- computes VECTOR_DISTANCE for every visible embedding. Until a type is rebuilt it has one provisional landmark
-- (seeded from the type name by the engine); dbo.sp_ReplaceSpatialLandmarks installs landmarks the engine derived
-- from the type's embeddings (k-means over dbo.sp_GetSpatialLandmarkSample) and re-projects every embedding of the
-- type. Vectors are zero-padded to 1998, which changes none of the three distances.
-- @Metric is 'cosine', 'euclidean' or 'dot' (the negated dot product, smaller is closer, as VECTOR_DISTANCE).

-- Stores the provisional landmark of a type unless it has landmarks: the engine's seeded landmark (SpatialCells),
-- until dbo.sp_ReplaceSpatialLandmarks replaces it with landmarks derived from the data.
CREATE OR ALTER PROCEDURE dbo.sp_EnsureSpatialLandmarks
    @EmbeddingType NVARCHAR(64),
    @Landmark      VECTOR(1998)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM dbo.SpatialLandmarks WITH (UPDLOCK, HOLDLOCK) WHERE EmbeddingType = @EmbeddingType)
        INSERT INTO dbo.SpatialLandmarks (EmbeddingType, Axis, Dimension, LandmarkVector)
        VALUES (@EmbeddingType, 0, 1998, @Landmark);
    COMMIT TRANSACTION;
END;
GO

-- The first @Top embeddings (by id, every tenant's) of a type and how many the type has: what the engine derives the
-- type's landmarks from. Runs as hart_system so that row-level security does not narrow the sample to the caller's
-- tenant; the vectors go to the engine only, never to a client.
CREATE OR ALTER PROCEDURE dbo.sp_GetSpatialLandmarkSample
    @EmbeddingType NVARCHAR(64),
    @Top           INT
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    IF @Top IS NULL OR @Top < 1
        THROW 50400, N'@Top must be positive', 1;
    SELECT TOP (@Top) EmbeddingId, Dimension, EmbeddingVector, COUNT_BIG(*) OVER () AS TypeCount
    FROM dbo.AtomEmbeddings
    WHERE EmbeddingType = @EmbeddingType
    ORDER BY EmbeddingId;
END;
GO

-- Replaces the landmarks of a type with @Landmarks, a JSON array of landmarks, each a JSON array of 1998 numbers
-- (landmark i becomes Axis i), and re-projects every embedding of the type (every tenant's, hence hart_system) in
-- the same transaction. Result: Landmarks, Reprojected.
CREATE OR ALTER PROCEDURE dbo.sp_ReplaceSpatialLandmarks
    @EmbeddingType NVARCHAR(64),
    @Landmarks     NVARCHAR(MAX)
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    IF @Landmarks IS NULL OR ISJSON(@Landmarks) = 0
        THROW 50400, N'@Landmarks must be a JSON array of landmark vectors', 1;
    DECLARE @count INT, @reprojected BIGINT;
    BEGIN TRANSACTION;
    DELETE FROM dbo.SpatialLandmarks WITH (HOLDLOCK) WHERE EmbeddingType = @EmbeddingType;
    INSERT INTO dbo.SpatialLandmarks (EmbeddingType, Axis, Dimension, LandmarkVector)
    SELECT @EmbeddingType, CAST(j.[key] AS INT), 1998, CAST(j.[value] AS VECTOR(1998))
    FROM OPENJSON(@Landmarks) AS j;
    SET @count = @@ROWCOUNT;
    IF @count < 1 OR @count > 1024
        THROW 50400, N'a type has 1 to 1024 landmarks', 1;
    UPDATE e
    SET ProjectionX = n.Axis, ProjectionY = n.Distance
    FROM dbo.AtomEmbeddings AS e WITH (TABLOCKX)
    CROSS APPLY (
        SELECT TOP (1) l.Axis, VECTOR_DISTANCE('euclidean', l.LandmarkVector, e.EmbeddingVector) AS Distance
        FROM dbo.SpatialLandmarks AS l
        WHERE l.EmbeddingType = @EmbeddingType
        ORDER BY VECTOR_DISTANCE('euclidean', l.LandmarkVector, e.EmbeddingVector), l.Axis
    ) AS n
    WHERE e.EmbeddingType = @EmbeddingType;
    SET @reprojected = @@ROWCOUNT;
    COMMIT TRANSACTION;
    SELECT @count AS Landmarks, @reprojected AS Reprojected;
END;
GO

-- The 2-D point of a (zero-padded) vector for its type's landmarks: X = the Axis of the nearest landmark (the lowest
-- on a tie), Y = the Euclidean distance to it.
CREATE OR ALTER PROCEDURE dbo.sp_ComputeSpatialProjection
    @EmbeddingType NVARCHAR(64),
    @Vector        VECTOR(1998),
    @ProjectionX   FLOAT OUTPUT,
    @ProjectionY   FLOAT OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    SELECT @ProjectionX = NULL, @ProjectionY = NULL;
    -- HOLDLOCK: inside a caller's transaction (sp_PutEmbedding) the landmarks stay locked until it commits; on its
    -- own the statement is its own transaction and the hint costs nothing.
    SELECT TOP (1) @ProjectionX = Axis, @ProjectionY = VECTOR_DISTANCE('euclidean', LandmarkVector, @Vector)
    FROM dbo.SpatialLandmarks WITH (HOLDLOCK) WHERE EmbeddingType = @EmbeddingType
    ORDER BY VECTOR_DISTANCE('euclidean', LandmarkVector, @Vector), Axis;
    IF @ProjectionX IS NULL OR @ProjectionY IS NULL
    BEGIN
        SET @message = CONCAT(N'no spatial landmarks for embedding type ''', @EmbeddingType,
                              N'''; store them with dbo.sp_EnsureSpatialLandmarks first');
        THROW 50404, @message, 1;
    END;
END;
GO

-- Stores or replaces the embedding of this type for the atom: built-in (@BuiltIn = 1, TenantId NULL) or the
-- session tenant's own. Result: the stored embedding.
CREATE OR ALTER PROCEDURE dbo.sp_PutEmbedding
    @AtomId        BIGINT,
    @EmbeddingType NVARCHAR(64),
    @Dimension     INT,
    @Vector        VECTOR(1998),
    @BuiltIn       BIT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @x FLOAT, @y FLOAT, @EmbeddingId BIGINT;
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @Dimension IS NULL OR @Dimension < 1 OR @Dimension > 1998
        THROW 50400, N'an embedding has 1 to 1998 dimensions', 1;
    IF @EmbeddingType IS NULL OR LEN(@EmbeddingType) = 0
        THROW 50400, N'embeddingType is required (1-64 characters)', 1;
    IF NOT EXISTS (SELECT 1 FROM dbo.Atoms WHERE AtomId = @AtomId)
    BEGIN
        SET @message = CONCAT(N'atom ', @AtomId, N' not found');
        THROW 50404, @message, 1;
    END;
    DECLARE @Owner VARCHAR(64) = CASE WHEN @BuiltIn = 1 THEN NULL ELSE @TenantId END;

    BEGIN TRY
        BEGIN TRANSACTION;
        -- The point is computed inside the transaction, and the landmarks it reads stay share-locked until commit:
        -- a concurrent dbo.sp_ReplaceSpatialLandmarks either reprojects this row or waits for it, so no embedding
        -- keeps a point of landmarks that were replaced. Both take the landmarks before the embeddings (no cycle).
        EXEC dbo.sp_ComputeSpatialProjection @EmbeddingType, @Vector, @x OUTPUT, @y OUTPUT;
        DELETE FROM dbo.AtomEmbeddings WITH (HOLDLOCK)
        WHERE AtomId = @AtomId AND EmbeddingType = @EmbeddingType AND TenantId IS NOT DISTINCT FROM @Owner;
        INSERT INTO dbo.AtomEmbeddings (AtomId, TenantId, EmbeddingType, Dimension, EmbeddingVector, ProjectionX, ProjectionY)
        VALUES (@AtomId, @Owner, @EmbeddingType, @Dimension, @Vector, @x, @y);
        SET @EmbeddingId = SCOPE_IDENTITY();
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    SELECT EmbeddingId, AtomId, EmbeddingType, Dimension, EmbeddingVector, TenantId, ProjectionX, ProjectionY, CreatedAt
    FROM dbo.AtomEmbeddings
    WHERE EmbeddingId = @EmbeddingId;
END;
GO

-- The embeddings of a visible atom the session tenant may see: built-in ones and its own.
CREATE OR ALTER PROCEDURE dbo.sp_GetEmbeddings
    @AtomId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Atoms WHERE AtomId = @AtomId)
    BEGIN
        SET @message = CONCAT(N'atom ', @AtomId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT EmbeddingId, AtomId, EmbeddingType, Dimension, EmbeddingVector, TenantId, ProjectionX, ProjectionY, CreatedAt
    FROM dbo.AtomEmbeddings
    WHERE AtomId = @AtomId
    ORDER BY EmbeddingType, EmbeddingId;
END;
GO

-- Exact k nearest neighbours among every visible embedding that passes the filters (NULL = any).
-- Result: AtomId, EmbeddingType, Distance, Examined (how many distances were computed), nearest first.
CREATE OR ALTER PROCEDURE dbo.sp_ExactVectorSearch
    @Vector        VECTOR(1998),
    @K             INT,
    @Metric        VARCHAR(16),
    @EmbeddingType NVARCHAR(64) = NULL,
    @Modality      VARCHAR(16) = NULL,
    @Subtype       VARCHAR(16) = NULL,
    @CreatedFrom   DATETIME2(7) = NULL,
    @CreatedTo     DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    IF @K IS NULL OR @K < 1 OR @K > 1000
        THROW 50400, N'k must be between 1 and 1000', 1;
    IF @Metric IS NULL OR @Metric NOT IN ('cosine', 'euclidean', 'dot')
        THROW 50400, N'metric must be cosine, euclidean or dot', 1;

    SELECT TOP (@K) e.AtomId, e.EmbeddingType, d.Distance, COUNT_BIG(*) OVER () AS Examined
    FROM dbo.AtomEmbeddings AS e
    INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
    CROSS APPLY (
        SELECT CASE @Metric
                   WHEN 'cosine' THEN VECTOR_DISTANCE('cosine', e.EmbeddingVector, @Vector)
                   WHEN 'dot' THEN VECTOR_DISTANCE('dot', e.EmbeddingVector, @Vector)
                   ELSE VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Vector)
               END AS Distance
    ) AS d
    WHERE (@EmbeddingType IS NULL OR e.EmbeddingType = @EmbeddingType)
      AND (@Modality IS NULL OR a.Modality = @Modality)
      AND (@Subtype IS NULL OR a.Subtype = @Subtype)
      AND (@CreatedFrom IS NULL OR a.CreatedAt >= @CreatedFrom)
      AND (@CreatedTo IS NULL OR a.CreatedAt < @CreatedTo)
    ORDER BY d.Distance, e.AtomId
    OPTION (RECOMPILE);
END;
GO

-- Hybrid k nearest neighbours: for the requested type (or every type with landmarks) the @Candidates embeddings of
-- the cells nearest the query - whole cells, nearest landmark first, each read through the spatial index as the box
-- around X = cell; in the last cell needed, those whose Y is nearest the query's distance to that landmark - are
-- reranked with the exact distance and filtered. @Candidates = 0 means max(1000, 20 * k).
-- Result: AtomId, EmbeddingType, Distance, Examined (candidates reranked), nearest first.
CREATE OR ALTER PROCEDURE dbo.sp_HybridSearch
    @Vector        VECTOR(1998),
    @K             INT,
    @Metric        VARCHAR(16),
    @EmbeddingType NVARCHAR(64) = NULL,
    @Modality      VARCHAR(16) = NULL,
    @Subtype       VARCHAR(16) = NULL,
    @CreatedFrom   DATETIME2(7) = NULL,
    @CreatedTo     DATETIME2(7) = NULL,
    @Candidates    INT = 0
AS
BEGIN
    SET NOCOUNT ON;
    IF @K IS NULL OR @K < 1 OR @K > 1000
        THROW 50400, N'k must be between 1 and 1000', 1;
    IF @Metric IS NULL OR @Metric NOT IN ('cosine', 'euclidean', 'dot')
        THROW 50400, N'metric must be cosine, euclidean or dot', 1;
    IF @Candidates IS NULL OR @Candidates < 0
        THROW 50400, N'candidates cannot be negative', 1;
    DECLARE @Wanted INT = CASE WHEN @Candidates > 0 THEN @Candidates
                               WHEN @K * 20 > 1000 THEN @K * 20 ELSE 1000 END;

    CREATE TABLE #Candidates (EmbeddingId BIGINT NOT NULL PRIMARY KEY);
    DECLARE @Types TABLE (EmbeddingType NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY);
    IF @EmbeddingType IS NOT NULL
        INSERT INTO @Types (EmbeddingType)
        SELECT DISTINCT EmbeddingType FROM dbo.SpatialLandmarks WHERE EmbeddingType = @EmbeddingType;
    ELSE
        INSERT INTO @Types (EmbeddingType) SELECT DISTINCT EmbeddingType FROM dbo.SpatialLandmarks;

    DECLARE @type NVARCHAR(64) = (SELECT MIN(EmbeddingType) FROM @Types);
    DECLARE @cells TABLE (Ordinal INT NOT NULL PRIMARY KEY, Axis INT NOT NULL, Distance FLOAT NOT NULL);
    DECLARE @have INT, @ordinal INT, @cellCount INT, @axis INT, @dq FLOAT, @box GEOMETRY;
    WHILE @type IS NOT NULL
    BEGIN
        DELETE FROM @cells;
        INSERT INTO @cells (Ordinal, Axis, Distance)
        SELECT ROW_NUMBER() OVER (ORDER BY d.Distance, l.Axis), l.Axis, d.Distance
        FROM dbo.SpatialLandmarks AS l
        CROSS APPLY (SELECT VECTOR_DISTANCE('euclidean', l.LandmarkVector, @Vector) AS Distance) AS d
        WHERE l.EmbeddingType = @type;
        SELECT @have = 0, @ordinal = 1, @cellCount = (SELECT COUNT(*) FROM @cells);
        WHILE @have < @Wanted AND @ordinal <= @cellCount
        BEGIN
            SELECT @axis = Axis, @dq = Distance FROM @cells WHERE Ordinal = @ordinal;
            -- Y is a distance (>= 0) between float32 vectors, below 1e40: the box covers every Y of the cell.
            SET @box = geometry::STGeomFromText(CONCAT(N'POLYGON((', @axis - 0.25, N' -1, ', @axis + 0.25,
                       N' -1, ', @axis + 0.25, N' 1e40, ', @axis - 0.25, N' 1e40, ', @axis - 0.25, N' -1))'), 0);
            INSERT INTO #Candidates (EmbeddingId)
            SELECT TOP (@Wanted - @have) e.EmbeddingId
            FROM dbo.AtomEmbeddings AS e
            WHERE e.SpatialKey.STIntersects(@box) = 1 AND e.EmbeddingType = @type
            ORDER BY ABS(e.ProjectionY - @dq), e.EmbeddingId;
            SET @have += @@ROWCOUNT;
            SET @ordinal += 1;
        END;
        SET @type = (SELECT MIN(EmbeddingType) FROM @Types WHERE EmbeddingType > @type);
    END;

    SELECT TOP (@K) e.AtomId, e.EmbeddingType, d.Distance, COUNT_BIG(*) OVER () AS Examined
    FROM #Candidates AS c
    INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = c.EmbeddingId
    INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
    CROSS APPLY (
        SELECT CASE @Metric
                   WHEN 'cosine' THEN VECTOR_DISTANCE('cosine', e.EmbeddingVector, @Vector)
                   WHEN 'dot' THEN VECTOR_DISTANCE('dot', e.EmbeddingVector, @Vector)
                   ELSE VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Vector)
               END AS Distance
    ) AS d
    WHERE (@Modality IS NULL OR a.Modality = @Modality)
      AND (@Subtype IS NULL OR a.Subtype = @Subtype)
      AND (@CreatedFrom IS NULL OR a.CreatedAt >= @CreatedFrom)
      AND (@CreatedTo IS NULL OR a.CreatedAt < @CreatedTo)
    ORDER BY d.Distance, e.AtomId
    OPTION (RECOMPILE);
END;
GO
