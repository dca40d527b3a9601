-- Hybrid search projects an embedding to (X, Y) = (the cell of its nearest landmark, its distance to that landmark);
-- a type's landmarks (SpatialLandmarks, Axis = landmark number) are derived from its embeddings by an explicit
-- rebuild (VectorStore.rebuildProjection); until then a type has one provisional seeded landmark. See
-- docs/decisions.md "Hybrid search projection". Generation changes with every rebuild so that every process drops
-- the landmarks it cached.
CREATE TABLE IF NOT EXISTS SpatialLandmarkSets (
    EmbeddingType VARCHAR(64) NOT NULL PRIMARY KEY,
    Generation    BIGINT      NOT NULL,
    Landmarks     INT         NOT NULL,
    -- How many embeddings the landmarks were derived from (0: the provisional seeded landmark).
    TrainedOn     BIGINT      NOT NULL,
    BuiltAt       TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
)
GO
-- The points live in a narrow table of their own, so reading a cell and re-projecting a type touch a few bytes per
-- embedding instead of its 8 KB row. A cell is read through a B-tree on (type, X): X is the cell number, so the
-- box around it is an equality; H2's R-tree answered the same reads about three times slower (docs/decisions.md).
CREATE TABLE IF NOT EXISTS EmbeddingPoints (
    EmbeddingId   BIGINT           NOT NULL PRIMARY KEY,
    EmbeddingType VARCHAR(64)      NOT NULL,
    ProjectionX   DOUBLE PRECISION NOT NULL,
    ProjectionY   DOUBLE PRECISION NOT NULL,
    CONSTRAINT FK_EmbeddingPoints_Embedding FOREIGN KEY (EmbeddingId) REFERENCES AtomEmbeddings (EmbeddingId)
        ON DELETE CASCADE
)
GO
CREATE INDEX IF NOT EXISTS IX_EmbeddingPoints_Cell ON EmbeddingPoints (EmbeddingType, ProjectionX, ProjectionY)
GO
-- Embeddings projected the earlier way (X, Y = distances to two seeded landmarks) keep the seeded landmark 0 as their
-- type's single provisional landmark: every one moves to cell 0 with its distance to that landmark as Y.
INSERT INTO EmbeddingPoints (EmbeddingId, EmbeddingType, ProjectionX, ProjectionY)
SELECT EmbeddingId, EmbeddingType, 0, ProjectionX FROM AtomEmbeddings
GO
DELETE FROM SpatialLandmarks WHERE Axis > 0
GO
INSERT INTO SpatialLandmarkSets (EmbeddingType, Generation, Landmarks, TrainedOn)
SELECT EmbeddingType, 0, 1, 0 FROM SpatialLandmarks
GO
DROP INDEX IF EXISTS SIX_AtomEmbeddings_SpatialKey
GO
ALTER TABLE AtomEmbeddings DROP COLUMN IF EXISTS SpatialKey
GO
ALTER TABLE AtomEmbeddings DROP COLUMN IF EXISTS ProjectionX
GO
ALTER TABLE AtomEmbeddings DROP COLUMN IF EXISTS ProjectionY
GO
