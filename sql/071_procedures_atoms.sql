-- Atom and composition reads, as the session tenant sees them (row-level security applies the visibility rules).
-- Same results as the embedded engine's EmbeddedAtomReads.

CREATE OR ALTER PROCEDURE dbo.sp_GetAtom
    @AtomId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT AtomId, ContentHash, Modality, Subtype, AtomicValue, Metadata, ReferenceCount, CreatedAt
    FROM dbo.Atoms
    WHERE AtomId = @AtomId;
END;
GO

CREATE OR ALTER PROCEDURE dbo.sp_GetAtomByHash
    @ContentHash BINARY(32)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT AtomId, ContentHash, Modality, Subtype, AtomicValue, Metadata, ReferenceCount, CreatedAt
    FROM dbo.Atoms
    WHERE ContentHash = @ContentHash;
END;
GO

-- One bounded window of a visible parent's positions, for the engine to decode (SqlServerAtomReads): the positions
-- whose sequence indexes lie in [@FromSequence, @FromSequence + @Limit), so at most @Limit of them. Each query
-- seeks a clustered key over that range only. Result sets:
--   1) the segments that reach into the window, by FirstSequence: FirstSequence, PositionCount, Stride,
--      ColumnMajor, OrdinalWidth, Ordinals (the packed column as stored; the engine decodes the window's part);
--   2) the row table's positions in the window, by SequenceIndex, with their atoms' values;
--   3) the dictionary entries the window's segment positions use, with their atoms' values;
--   4) NextSequence: the first stored position at or after the window's end (NULL: there is none), so a reader that
--      wants more skips a gap in one step.
CREATE OR ALTER PROCEDURE dbo.sp_GetCompositionWindow
    @ParentAtomId BIGINT,
    @FromSequence BIGINT,
    @Limit        INT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048), @End BIGINT, @Reach BIGINT;
    IF NOT EXISTS (SELECT 1 FROM dbo.Atoms WHERE AtomId = @ParentAtomId)
    BEGIN
        SET @message = CONCAT(N'atom ', @ParentAtomId, N' not found');
        THROW 50404, @message, 1;
    END;
    IF @FromSequence IS NULL OR @Limit IS NULL OR @Limit < 0
        THROW 50400, N'a window starts at a sequence index and cannot hold fewer than 0 positions', 1;
    -- The window's end, and the first start of a segment that can reach into it (a segment holds at most 4,096).
    SET @End = CASE WHEN @FromSequence > 9223372036854775807 - @Limit THEN 9223372036854775807
                    ELSE @FromSequence + @Limit END;
    SET @Reach = CASE WHEN @FromSequence < -9223372036854775807 + 4096 THEN -9223372036854775807
                      ELSE @FromSequence - 4096 END;

    CREATE TABLE #Window (
        FirstSequence BIGINT         NOT NULL PRIMARY KEY,
        PositionCount INT            NOT NULL,
        Stride        BIGINT         NOT NULL,
        ColumnMajor   BIT            NOT NULL,
        OrdinalWidth  TINYINT        NOT NULL,
        Ordinals      VARBINARY(MAX) NOT NULL
    );
    INSERT INTO #Window (FirstSequence, PositionCount, Stride, ColumnMajor, OrdinalWidth, Ordinals)
    SELECT FirstSequence, PositionCount, Stride, ColumnMajor, OrdinalWidth, Ordinals
    FROM dbo.CompositionSegments
    WHERE ParentAtomId = @ParentAtomId
      AND FirstSequence > @Reach
      AND FirstSequence < @End
      AND FirstSequence + PositionCount > @FromSequence;

    SELECT FirstSequence, PositionCount, Stride, ColumnMajor, OrdinalWidth, Ordinals
    FROM #Window
    ORDER BY FirstSequence;

    SELECT r.SequenceIndex, r.PositionX, r.PositionY, r.ComponentAtomId, a.Modality, a.Subtype, a.AtomicValue
    FROM dbo.AtomCompositionRows AS r
    INNER JOIN dbo.Atoms AS a ON a.AtomId = r.ComponentAtomId
    WHERE r.ParentAtomId = @ParentAtomId AND r.SequenceIndex >= @FromSequence AND r.SequenceIndex < @End
    ORDER BY r.SequenceIndex;

    SELECT d.Ordinal, d.AtomId, a.Modality, a.Subtype, a.AtomicValue
    FROM dbo.CompositionDictionary AS d
    INNER JOIN dbo.Atoms AS a ON a.AtomId = d.AtomId
    WHERE d.ParentAtomId = @ParentAtomId
      AND d.Ordinal IN (
          SELECT p.Ordinal
          FROM #Window AS w
          CROSS APPLY dbo.fn_SegmentPositions(
              w.FirstSequence, w.Stride, w.ColumnMajor, w.OrdinalWidth, w.Ordinals,
              CAST(CASE WHEN w.FirstSequence < @FromSequence THEN @FromSequence - w.FirstSequence ELSE 0 END AS INT),
              CAST(CASE WHEN w.FirstSequence + w.PositionCount > @End THEN @End - w.FirstSequence
                        ELSE w.PositionCount END AS INT) - 1) AS p)
    ORDER BY d.Ordinal;

    SELECT CASE
               WHEN EXISTS (SELECT 1 FROM #Window WHERE FirstSequence + PositionCount > @End) THEN @End
               ELSE (
                   SELECT MIN(n.NextSequence)
                   FROM (
                       SELECT MIN(FirstSequence)
                       FROM dbo.CompositionSegments
                       WHERE ParentAtomId = @ParentAtomId AND FirstSequence >= @End
                       UNION ALL
                       SELECT MIN(SequenceIndex)
                       FROM dbo.AtomCompositionRows
                       WHERE ParentAtomId = @ParentAtomId AND SequenceIndex >= @End
                   ) AS n (NextSequence))
           END AS NextSequence;
END;
GO

-- Positions of a visible parent: its segments' positions plus its rows.
CREATE OR ALTER PROCEDURE dbo.sp_GetCompositionCount
    @ParentAtomId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Atoms WHERE AtomId = @ParentAtomId)
    BEGIN
        SET @message = CONCAT(N'atom ', @ParentAtomId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT (SELECT COALESCE(SUM(CAST(PositionCount AS BIGINT)), 0)
            FROM dbo.CompositionSegments WHERE ParentAtomId = @ParentAtomId)
           + (SELECT COUNT_BIG(*) FROM dbo.AtomCompositionRows WHERE ParentAtomId = @ParentAtomId)
               AS CompositionCount;
END;
GO
