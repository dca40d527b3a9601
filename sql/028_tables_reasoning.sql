-- Concepts (issue 13): generations of DBSCAN concepts over a tenant's embeddings of one type, with their members,
-- Voronoi domains and evolution. Mirrors embedded/181_concepts.sql (procedures in 083). A discover run records one
-- dbo.ConceptGenerations row, numbered 1, 2, ... per tenant and type, with its inference record (dbo.Inferences,
-- operation concepts.discover); "the concepts as of T" are those of the last generation created at or before T.
-- The plan (clusters, centroids, domains, evolution) is computed by the engine-neutral Java both engines share
-- (ConceptDiscovery) and stored here by dbo.sp_RecordConceptGeneration: the domains arrive as WKT and are stored as
-- GEOMETRY (SRID 0, the projection plane) with a spatial index (docs/decisions.md, "Concepts and their domains").
-- Every row carries its tenant for row-level security (050).

IF OBJECT_ID(N'dbo.ConceptGenerations', N'U') IS NULL
    CREATE TABLE dbo.ConceptGenerations (
        GenerationId  BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId      VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        EmbeddingType NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Generation    INT          NOT NULL,
        InferenceId   BIGINT       NOT NULL,
        Metric        VARCHAR(16)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        Eps           FLOAT        NOT NULL,
        MinPts        INT          NOT NULL,
        ConceptCount  INT          NOT NULL,
        NoiseCount    INT          NOT NULL,
        CreatedAt     DATETIME2(7) NOT NULL,
        CONSTRAINT PK_ConceptGenerations PRIMARY KEY CLUSTERED (GenerationId),
        CONSTRAINT UQ_ConceptGenerations UNIQUE (TenantId, EmbeddingType, Generation),
        CONSTRAINT FK_ConceptGenerations_Inference FOREIGN KEY (InferenceId) REFERENCES dbo.Inferences (InferenceId)
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_ConceptGenerations_AsOf' AND object_id = OBJECT_ID(N'dbo.ConceptGenerations')
)
    CREATE NONCLUSTERED INDEX IX_ConceptGenerations_AsOf
        ON dbo.ConceptGenerations (TenantId, EmbeddingType, CreatedAt) INCLUDE (Generation);
GO

-- Centroid: the mean vector as a JSON array of its true dimension (VECTOR(1998) would need the zero padding back).
IF OBJECT_ID(N'dbo.Concepts', N'U') IS NULL
    CREATE TABLE dbo.Concepts (
        ConceptId    BIGINT IDENTITY(1, 1) NOT NULL,
        GenerationId BIGINT        NOT NULL,
        TenantId     VARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Ordinal      INT           NOT NULL,
        MemberCount  INT           NOT NULL,
        Coherence    FLOAT         NOT NULL,
        Dimension    INT           NOT NULL,
        Centroid     NVARCHAR(MAX) NOT NULL,
        CentroidX    FLOAT         NOT NULL,
        CentroidY    FLOAT         NOT NULL,
        Domain       GEOMETRY      NOT NULL,
        CONSTRAINT PK_Concepts PRIMARY KEY CLUSTERED (ConceptId),
        CONSTRAINT UQ_Concepts_Ordinal UNIQUE (GenerationId, Ordinal),
        CONSTRAINT CK_Concepts_Centroid CHECK (ISJSON(Centroid) = 1),
        CONSTRAINT FK_Concepts_Generation FOREIGN KEY (GenerationId) REFERENCES dbo.ConceptGenerations (GenerationId)
    );
GO

-- The projection plane's X is a landmark cell and Y a distance, both small and non-negative (073): the box of the
-- embeddings' own index default. A domain outside it is still found, only not through the index.
IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'SIX_Concepts_Domain' AND object_id = OBJECT_ID(N'dbo.Concepts')
)
    CREATE SPATIAL INDEX SIX_Concepts_Domain ON dbo.Concepts (Domain)
        USING GEOMETRY_GRID WITH (
            BOUNDING_BOX = (xmin = 0, ymin = 0, xmax = 65536, ymax = 65536),
            GRIDS = (LEVEL_1 = HIGH, LEVEL_2 = HIGH, LEVEL_3 = HIGH, LEVEL_4 = HIGH), CELLS_PER_OBJECT = 16);
GO

IF OBJECT_ID(N'dbo.AtomConcepts', N'U') IS NULL
    CREATE TABLE dbo.AtomConcepts (
        ConceptId  BIGINT      NOT NULL,
        AtomId     BIGINT      NOT NULL,
        TenantId   VARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Similarity FLOAT       NOT NULL,
        CONSTRAINT PK_AtomConcepts PRIMARY KEY CLUSTERED (ConceptId, AtomId),
        CONSTRAINT FK_AtomConcepts_Concept FOREIGN KEY (ConceptId) REFERENCES dbo.Concepts (ConceptId)
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'IX_AtomConcepts_Atom' AND object_id = OBJECT_ID(N'dbo.AtomConcepts')
)
    CREATE NONCLUSTERED INDEX IX_AtomConcepts_Atom ON dbo.AtomConcepts (TenantId, AtomId) INCLUDE (Similarity);
GO

IF OBJECT_ID(N'dbo.ConceptEvolution', N'U') IS NULL
    CREATE TABLE dbo.ConceptEvolution (
        GenerationId  BIGINT      NOT NULL,
        Ordinal       INT         NOT NULL,
        TenantId      VARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Kind          VARCHAR(8)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        FromConceptId BIGINT      NULL,
        ToConceptId   BIGINT      NULL,
        SharedMembers INT         NOT NULL,
        CONSTRAINT PK_ConceptEvolution PRIMARY KEY CLUSTERED (GenerationId, Ordinal),
        CONSTRAINT CK_ConceptEvolution_Kind CHECK (Kind IN ('KEPT', 'SPLIT', 'MERGED', 'NEW', 'GONE')),
        CONSTRAINT FK_ConceptEvolution_Generation FOREIGN KEY (GenerationId)
            REFERENCES dbo.ConceptGenerations (GenerationId)
    );
GO
