-- Embeddings and the landmarks their 2-D projection is measured against. Mirrors embedded/030_embeddings.sql.
-- Vectors are stored zero-padded to VECTOR(1998) (float32, the type's maximum); Dimension keeps the true length.
-- A VECTOR column takes no constraint other than NULL / NOT NULL, and never sits in a memory-optimized table.

IF OBJECT_ID(N'dbo.AtomEmbeddings', N'U') IS NULL
    CREATE TABLE dbo.AtomEmbeddings (
        EmbeddingId     BIGINT IDENTITY(1, 1) NOT NULL,
        AtomId          BIGINT       NOT NULL,
        -- NULL: a built-in embedding, visible wherever the atom is; otherwise the tenant that supplied it.
        TenantId        VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NULL,
        EmbeddingType   NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Dimension       INT          NOT NULL,
        EmbeddingVector VECTOR(1998) NOT NULL,
        ProjectionX     FLOAT        NOT NULL,
        ProjectionY     FLOAT        NOT NULL,
        SpatialKey      AS geometry::Point(ProjectionX, ProjectionY, 0) PERSISTED NOT NULL,
        CreatedAt       DATETIME2(7) NOT NULL CONSTRAINT DF_AtomEmbeddings_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_AtomEmbeddings PRIMARY KEY CLUSTERED (EmbeddingId),
        CONSTRAINT CK_AtomEmbeddings_Dimension CHECK (Dimension BETWEEN 1 AND 1998),
        CONSTRAINT FK_AtomEmbeddings_Atom FOREIGN KEY (AtomId) REFERENCES dbo.Atoms (AtomId) ON DELETE CASCADE
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'IX_AtomEmbeddings_Atom' AND object_id = OBJECT_ID(N'dbo.AtomEmbeddings')
)
    CREATE NONCLUSTERED INDEX IX_AtomEmbeddings_Atom ON dbo.AtomEmbeddings (AtomId, EmbeddingType) INCLUDE (TenantId);
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'IX_AtomEmbeddings_Type' AND object_id = OBJECT_ID(N'dbo.AtomEmbeddings')
)
    CREATE NONCLUSTERED INDEX IX_AtomEmbeddings_Type ON dbo.AtomEmbeddings (EmbeddingType) INCLUDE (AtomId, TenantId);
GO

-- The landmarks of each embedding type (Axis = landmark number): an embedding's point is (the Axis of its nearest
-- landmark, its distance to it). One provisional landmark seeded from the type name until the engine derives them
-- from the type's embeddings (dbo.sp_ReplaceSpatialLandmarks); see sql/073 and docs/decisions.md.
IF OBJECT_ID(N'dbo.SpatialLandmarks', N'U') IS NULL
    CREATE TABLE dbo.SpatialLandmarks (
        EmbeddingType  NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Axis           INT          NOT NULL,
        Dimension      INT          NOT NULL,
        LandmarkVector VECTOR(1998) NOT NULL,
        CreatedAt      DATETIME2(7) NOT NULL CONSTRAINT DF_SpatialLandmarks_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_SpatialLandmarks PRIMARY KEY CLUSTERED (EmbeddingType, Axis),
        CONSTRAINT CK_SpatialLandmarks_Axis CHECK (Axis BETWEEN 0 AND 1023)
    );
GO

-- Databases created when a type had exactly two landmarks (axes 0 and 1).
IF EXISTS (
    SELECT 1 FROM sys.check_constraints
    WHERE name = N'CK_SpatialLandmarks_Axis' AND parent_object_id = OBJECT_ID(N'dbo.SpatialLandmarks')
      AND definition NOT LIKE N'%1023%'
)
BEGIN
    ALTER TABLE dbo.SpatialLandmarks DROP CONSTRAINT CK_SpatialLandmarks_Axis;
    ALTER TABLE dbo.SpatialLandmarks ADD CONSTRAINT CK_SpatialLandmarks_Axis CHECK (Axis BETWEEN 0 AND 1023);
END;
GO
