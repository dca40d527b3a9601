-- Composition points are derived on read, not stored. Every image and sound repeats the same small coordinates,
-- which makes H2's R-tree degenerate, and the stored GEOMETRY column alone doubled the cost of every composition
-- row. Region queries are always within one parent and go through the primary key; the view gives them JTS points.
-- SQL Server keeps its persisted computed SpatialKey and spatial index (sql/020, sql/040).
DROP INDEX IF EXISTS SIX_AtomCompositions_SpatialKey
GO
ALTER TABLE AtomCompositions DROP COLUMN IF EXISTS SpatialKey
GO
CREATE OR REPLACE VIEW AtomCompositionPoints AS
SELECT ParentAtomId, ComponentAtomId, SequenceIndex, PositionX, PositionY,
       CAST('POINT(' || PositionX || ' ' || PositionY || ')' AS GEOMETRY(POINT)) AS SpatialKey
FROM AtomCompositions
GO
