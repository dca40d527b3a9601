-- The relational face of composition segments (140): AtomCompositions and AtomCompositionPoints as views.
-- Ordinal i of a segment: bytes [i*w, i*w+w) left-padded to four bytes, read as a big-endian INT (H2 casts only
-- exact lengths; T-SQL's CAST(SUBSTRING(...) AS INT) pads by itself).
CREATE OR REPLACE VIEW AtomCompositions AS
SELECT s.ParentAtomId, d.AtomId AS ComponentAtomId, s.FirstSequence + t.N AS SequenceIndex,
       CASE WHEN s.ColumnMajor THEN (s.FirstSequence + t.N) / s.Stride
            ELSE MOD(s.FirstSequence + t.N, s.Stride) END AS PositionX,
       CASE WHEN s.ColumnMajor THEN MOD(s.FirstSequence + t.N, s.Stride)
            ELSE (s.FirstSequence + t.N) / s.Stride END AS PositionY
FROM CompositionSegments s
JOIN CompositionTally t ON t.N < s.PositionCount
JOIN CompositionDictionary d ON d.ParentAtomId = s.ParentAtomId
    AND d.Ordinal = CAST(SUBSTRING(X'000000' || SUBSTRING(s.Ordinals FROM t.N * s.OrdinalWidth + 1 FOR s.OrdinalWidth)
                                   FROM s.OrdinalWidth FOR 4) AS INT)
UNION ALL
SELECT ParentAtomId, ComponentAtomId, SequenceIndex, PositionX, PositionY FROM AtomCompositionRows
GO
CREATE OR REPLACE VIEW AtomCompositionPoints AS
SELECT ParentAtomId, ComponentAtomId, SequenceIndex, PositionX, PositionY,
       CAST('POINT(' || PositionX || ' ' || PositionY || ')' AS GEOMETRY(POINT)) AS SpatialKey
FROM AtomCompositions
GO
