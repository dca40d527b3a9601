-- OPT-IN: approximate nearest-neighbour search with a DiskANN vector index. The deployer never runs this file
-- (it lies outside the numbered scripts); an operator applies it by hand, after 000-099, when exact and hybrid
-- search are too slow for the number of embeddings.
--
-- Trade-offs on SQL Server 2025, as Microsoft documents them for this preview:
--   * CREATE VECTOR INDEX and VECTOR_SEARCH are preview features: this script turns on the database-scoped
--     configuration PREVIEW_FEATURES, which enables every preview feature of the database, not just this one.
--   * A table with a vector index becomes read-only (the index version SQL Server 2025 builds). dbo.AtomEmbeddings
--     must stay writable, so the index is built on dbo.AtomEmbeddingsAnn, a copy refreshed by
--     dbo.sp_RebuildVectorIndex. Searches see embeddings as of the last refresh.
--   * The indexed table needs a clustered primary key on a single INT column, and at least 100 rows with vectors.
--   * VECTOR_SEARCH filters after the search (TOP_N first, then predicates): tenant visibility and filters are
--     applied afterwards, so dbo.sp_ApproximateVectorSearch over-fetches and may still return fewer than k rows.
--   * Results are approximate (recall below 1); the index is not partitioned, replicated, or kept in a BACPAC.
-- Undo: DROP the procedures and the table, then ALTER DATABASE SCOPED CONFIGURATION SET PREVIEW_FEATURES = OFF.

IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_configurations WHERE name = N'PREVIEW_FEATURES' AND CAST(value AS INT) = 1)
    ALTER DATABASE SCOPED CONFIGURATION SET PREVIEW_FEATURES = ON;
GO

IF OBJECT_ID(N'dbo.AtomEmbeddingsAnn', N'U') IS NULL
    CREATE TABLE dbo.AtomEmbeddingsAnn (
        AnnId           INT IDENTITY(1, 1) NOT NULL,
        EmbeddingId     BIGINT       NOT NULL,
        EmbeddingType   NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        EmbeddingVector VECTOR(1998) NOT NULL,
        CONSTRAINT PK_AtomEmbeddingsAnn PRIMARY KEY CLUSTERED (AnnId)
    );
GO

-- Refreshes the copy from every tenant's embeddings (visibility is applied at search time) and rebuilds the
-- index for @Metric. The index must be dropped before the copy can change.
CREATE OR ALTER PROCEDURE dbo.sp_RebuildVectorIndex
    @Metric VARCHAR(16) = 'cosine'
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    IF @Metric IS NULL OR @Metric NOT IN ('cosine', 'euclidean', 'dot')
        THROW 50400, N'metric must be cosine, euclidean or dot', 1;
    IF EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'dbo.AtomEmbeddingsAnn') AND name = N'VIX_AtomEmbeddingsAnn')
        DROP INDEX VIX_AtomEmbeddingsAnn ON dbo.AtomEmbeddingsAnn;
    -- TRUNCATE, not DELETE: it also resets the INT IDENTITY, which a DELETE-and-refill would run past 2^31 after
    -- enough refreshes of a large table (and it is not logged row by row). The owner may truncate.
    TRUNCATE TABLE dbo.AtomEmbeddingsAnn;
    EXEC sys.sp_executesql N'
        EXECUTE AS USER = ''hart_system'';
        INSERT INTO dbo.AtomEmbeddingsAnn (EmbeddingId, EmbeddingType, EmbeddingVector)
        SELECT EmbeddingId, EmbeddingType, EmbeddingVector FROM dbo.AtomEmbeddings ORDER BY EmbeddingId;
        REVERT;';
    IF (SELECT COUNT(*) FROM dbo.AtomEmbeddingsAnn) < 100
    BEGIN
        PRINT N'Fewer than 100 embeddings: no vector index built (CREATE VECTOR INDEX needs at least 100 rows).';
        RETURN;
    END;
    DECLARE @sql NVARCHAR(MAX) = N'CREATE VECTOR INDEX VIX_AtomEmbeddingsAnn ON dbo.AtomEmbeddingsAnn (EmbeddingVector) '
        + N'WITH (METRIC = ''' + @Metric + N''', TYPE = ''DiskANN'');';
    EXEC sys.sp_executesql @sql;
END;
GO

-- Approximate k nearest neighbours through the DiskANN index, then the session tenant's visibility and the type
-- filter. @Metric must be the metric the index was built with. Result: AtomId, EmbeddingType, Distance.
CREATE OR ALTER PROCEDURE dbo.sp_ApproximateVectorSearch
    @Vector        VECTOR(1998),
    @K             INT,
    @Metric        VARCHAR(16) = 'cosine',
    @EmbeddingType NVARCHAR(64) = NULL,
    @OverFetch     INT = 10
AS
BEGIN
    SET NOCOUNT ON;
    IF @K IS NULL OR @K < 1 OR @K > 1000
        THROW 50400, N'k must be between 1 and 1000', 1;
    DECLARE @topN INT = @K * CASE WHEN @OverFetch > 1 THEN @OverFetch ELSE 1 END;
    DECLARE @hits TABLE (EmbeddingId BIGINT NOT NULL PRIMARY KEY, Distance FLOAT NOT NULL);

    IF @Metric = 'cosine'
        INSERT INTO @hits (EmbeddingId, Distance)
        SELECT t.EmbeddingId, s.distance
        FROM VECTOR_SEARCH(TABLE = dbo.AtomEmbeddingsAnn AS t, COLUMN = EmbeddingVector, SIMILAR_TO = @Vector,
                           METRIC = 'cosine', TOP_N = @topN) AS s;
    ELSE IF @Metric = 'euclidean'
        INSERT INTO @hits (EmbeddingId, Distance)
        SELECT t.EmbeddingId, s.distance
        FROM VECTOR_SEARCH(TABLE = dbo.AtomEmbeddingsAnn AS t, COLUMN = EmbeddingVector, SIMILAR_TO = @Vector,
                           METRIC = 'euclidean', TOP_N = @topN) AS s;
    ELSE IF @Metric = 'dot'
        INSERT INTO @hits (EmbeddingId, Distance)
        SELECT t.EmbeddingId, s.distance
        FROM VECTOR_SEARCH(TABLE = dbo.AtomEmbeddingsAnn AS t, COLUMN = EmbeddingVector, SIMILAR_TO = @Vector,
                           METRIC = 'dot', TOP_N = @topN) AS s;
    ELSE
        THROW 50400, N'metric must be cosine, euclidean or dot', 1;

    -- Joining the live table applies row-level security: only what the tenant may see survives.
    SELECT TOP (@K) e.AtomId, e.EmbeddingType, h.Distance
    FROM @hits AS h
    INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = h.EmbeddingId
    WHERE @EmbeddingType IS NULL OR e.EmbeddingType = @EmbeddingType
    ORDER BY h.Distance, e.AtomId;
END;
GO

-- The roles of 015_principals.sql, as 095_permissions.sql grants the numbered scripts' procedures: the API searches,
-- operators refresh the copy and its index.
GRANT EXECUTE ON OBJECT::dbo.sp_ApproximateVectorSearch TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_RebuildVectorIndex TO hart_admin;
GO
