-- Embeddings and nearest-neighbour search. Same algorithm as the embedded engine (EmbeddedVectorStore,
-- LandmarkProjection, SpatialCandidates): an embedding is projected to the 2-D point (Euclidean distance to
-- landmark 0, to landmark 1) of its type; hybrid search takes the embeddings whose projections lie nearest the
-- query's projection (a nearest-neighbour query on the spatial index) and reranks them with exact VECTOR_DISTANCE;
-- exact search computes VECTOR_DISTANCE for every visible embedding. By the triangle inequality the projection
-- never moves two vectors further apart than they are, so near neighbours stay near (geometry distance is planar,
-- hence two landmarks). Vectors are zero-padded to 1998, which changes none of the three distances.
-- @Metric is 'cosine', 'euclidean' or 'dot' (the negated dot product, smaller is closer, as VECTOR_DISTANCE).

-- Stores the landmarks of a type unless they exist; the engine derives them from a fixed seed per type.
CREATE OR ALTER PROCEDURE dbo.sp_EnsureSpatialLandmarks
    @EmbeddingType NVARCHAR(64),
    @Axis0         VECTOR(1998),
    @Axis1         VECTOR(1998)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM dbo.SpatialLandmarks WITH (UPDLOCK, HOLDLOCK) WHERE EmbeddingType = @EmbeddingType)
        INSERT INTO dbo.SpatialLandmarks (EmbeddingType, Axis, Dimension, LandmarkVector)
        VALUES (@EmbeddingType, 0, 1998, @Axis0), (@EmbeddingType, 1, 1998, @Axis1);
    COMMIT TRANSACTION;
END;
GO

-- The 2-D point of a (zero-padded) vector for its type's landmarks.
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
    SELECT @ProjectionX = VECTOR_DISTANCE('euclidean', LandmarkVector, @Vector)
    FROM dbo.SpatialLandmarks WHERE EmbeddingType = @EmbeddingType AND Axis = 0;
    SELECT @ProjectionY = VECTOR_DISTANCE('euclidean', LandmarkVector, @Vector)
    FROM dbo.SpatialLandmarks WHERE EmbeddingType = @EmbeddingType AND Axis = 1;
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

    EXEC dbo.sp_ComputeSpatialProjection @EmbeddingType, @Vector, @x OUTPUT, @y OUTPUT;

    BEGIN TRY
        BEGIN TRANSACTION;
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

-- Hybrid k nearest neighbours: for the requested type (or every type with landmarks) the @Candidates embeddings
-- whose projected points lie nearest the query's projection - through the spatial index's nearest-neighbour
-- search - are reranked with the exact distance and filtered. @Candidates = 0 means max(1000, 20 * k).
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
    DECLARE @qx FLOAT, @qy FLOAT, @q GEOMETRY;
    WHILE @type IS NOT NULL
    BEGIN
        EXEC dbo.sp_ComputeSpatialProjection @type, @Vector, @qx OUTPUT, @qy OUTPUT;
        SET @q = geometry::Point(@qx, @qy, 0);
        INSERT INTO #Candidates (EmbeddingId)
        SELECT TOP (@Wanted) e.EmbeddingId
        FROM dbo.AtomEmbeddings AS e
        WHERE e.EmbeddingType = @type AND e.SpatialKey.STDistance(@q) IS NOT NULL
        ORDER BY e.SpatialKey.STDistance(@q);
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
