-- Embedding points as JTS geometry, derived on read like the composition points (060): hybrid search reads cells
-- through the B-tree on EmbeddingPoints (070), which answered its reads faster than an R-tree, so no geometry is
-- stored; spatial queries over the projection plane use this view.
CREATE OR REPLACE VIEW EmbeddingPointGeometry AS
SELECT EmbeddingId, EmbeddingType, ProjectionX, ProjectionY,
       CAST('POINT(' || ProjectionX || ' ' || ProjectionY || ')' AS GEOMETRY(POINT)) AS SpatialKey
FROM EmbeddingPoints
GO
