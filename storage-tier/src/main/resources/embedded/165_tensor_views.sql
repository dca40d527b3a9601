-- The relational face of tensor segments (160): a row per weight, as the row table had, expanded against the tally
-- (CompositionTally, 0-4095) and the model's dictionary. Ordinal i: bytes [i*w, i*w+w) left-padded to four bytes.
CREATE OR REPLACE VIEW TensorAtomCoefficients AS
SELECT s.ModelId, s.LayerIdx,
       (s.FirstIndex + t.N) / (s.SizeX * s.SizeY) AS PositionZ,
       MOD((s.FirstIndex + t.N) / s.SizeX, s.SizeY) AS PositionY,
       MOD(s.FirstIndex + t.N, s.SizeX) AS PositionX,
       d.AtomId AS TensorAtomId, s.ValidFrom
FROM TensorSegments s
JOIN CompositionTally t ON t.N < s.PositionCount
JOIN TensorDictionary d ON d.ModelId = s.ModelId
    AND d.Ordinal = CAST(SUBSTRING(X'000000' || SUBSTRING(s.Ordinals FROM t.N * s.OrdinalWidth + 1 FOR s.OrdinalWidth)
                                   FROM s.OrdinalWidth FOR 4) AS INT)
GO
-- Every position of every old version, valid over the version's [ValidFrom, ValidTo): AS OF T is the union of the
-- current rows with ValidFrom <= T and these with ValidFrom <= T < ValidTo, as over rows.
CREATE OR REPLACE VIEW TensorAtomCoefficientsHistory AS
SELECT s.ModelId, s.LayerIdx,
       (s.FirstIndex + t.N) / (s.SizeX * s.SizeY) AS PositionZ,
       MOD((s.FirstIndex + t.N) / s.SizeX, s.SizeY) AS PositionY,
       MOD(s.FirstIndex + t.N, s.SizeX) AS PositionX,
       d.AtomId AS TensorAtomId, s.ValidFrom, s.ValidTo
FROM TensorSegmentsHistory s
JOIN CompositionTally t ON t.N < s.PositionCount
JOIN TensorDictionary d ON d.ModelId = s.ModelId
    AND d.Ordinal = CAST(SUBSTRING(X'000000' || SUBSTRING(s.Ordinals FROM t.N * s.OrdinalWidth + 1 FOR s.OrdinalWidth)
                                   FROM s.OrdinalWidth FOR 4) AS INT)
GO
