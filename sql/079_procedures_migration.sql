-- Converting composition rows into segments (docs/decisions.md, "Segments on SQL Server"). The rows are those a
-- database holds one per position: written by chunks that followed no layout as a whole (whose runs may still
-- follow one), or loaded before segments existed. 098_migrate_compositions.sql runs it to the end on every
-- deployment that applies it; an operator can run it again at any time (EXEC dbo.sp_MigrateCompositionRows in a
-- loop, as 098 does).

-- One batch: at most @MaxPositions rows of one parent, from the cursor (@ParentAtomId, @FromSequence) on, in ONE
-- transaction. Each run of consecutive sequence indexes among them (at most 4,096, cut where the batch ends) that
-- follows a row- or column-major layout becomes a segment: its atoms enter the parent's dictionary (atoms new to it
-- numbered on, in order of first appearance), its packed column is built from their ordinals, its rows are deleted.
-- ReferenceCount does not change: the same positions point at the same atoms. Runs that follow no layout stay rows.
-- The cursor comes back moved past the batch (@Done = 1: no rows are left after it). Idempotent and resumable:
-- converted rows are gone, so a run that stopped part-way, started again from the beginning, converts what is left
-- and passes over what follows no layout again.
-- A parent with a RUNNING ingestion or deletion job is passed over: its writer owns the dictionary. Its atom row is
-- locked first, as dbo.sp_StartIngestionJob and dbo.sp_RequestDeletion lock it, so neither starts meanwhile.
-- Runs as hart_system: it converts every tenant's rows.
CREATE OR ALTER PROCEDURE dbo.sp_MigrateCompositionRows
    @ParentAtomId BIGINT = NULL OUTPUT,
    @FromSequence BIGINT = NULL OUTPUT,
    @MaxPositions INT = 65536,
    @Done         BIT = 0 OUTPUT,
    @Converted    BIGINT = 0 OUTPUT
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @Parent BIGINT, @From BIGINT = COALESCE(@FromSequence, -9223372036854775808);
    DECLARE @Taken INT, @Last BIGINT, @NextOrdinal INT, @Locked BIGINT;
    IF @MaxPositions IS NULL OR @MaxPositions < 1
        THROW 50400, N'@MaxPositions must be at least 1', 1;
    SELECT @Done = 0, @Converted = 0;

    CREATE TABLE #Rows (
        SequenceIndex BIGINT NOT NULL PRIMARY KEY,
        PositionX     BIGINT NOT NULL,
        PositionY     BIGINT NOT NULL,
        AtomId        BIGINT NOT NULL,
        RunStart      BIGINT NULL
    );
    -- The batch's runs; Stride / ColumnMajor stay NULL for a run that follows no layout.
    CREATE TABLE #Runs (
        FirstSequence BIGINT  NOT NULL PRIMARY KEY,
        PositionCount INT     NOT NULL,
        RowStride     BIGINT  NULL,
        ColumnStride  BIGINT  NULL,
        Stride        BIGINT  NULL,
        ColumnMajor   BIT     NULL,
        OrdinalWidth  TINYINT NULL
    );
    CREATE TABLE #Atoms (
        AtomId        BIGINT NOT NULL PRIMARY KEY,
        FirstSequence BIGINT NOT NULL,
        Occurrences   BIGINT NOT NULL,
        Ordinal       INT    NULL,
        Known         BIT    NOT NULL DEFAULT 0
    );

    BEGIN TRY
        BEGIN TRANSACTION;
        IF @ParentAtomId IS NOT NULL
            AND EXISTS (SELECT 1 FROM dbo.AtomCompositionRows
                        WHERE ParentAtomId = @ParentAtomId AND SequenceIndex >= @From)
            SET @Parent = @ParentAtomId;
        ELSE
        BEGIN
            SELECT TOP (1) @Parent = ParentAtomId
            FROM dbo.AtomCompositionRows
            WHERE ParentAtomId > COALESCE(@ParentAtomId, 0)
            ORDER BY ParentAtomId;
            SET @From = -9223372036854775808;
        END;

        IF @Parent IS NULL
            SET @Done = 1;
        ELSE
        BEGIN
            SELECT @Locked = AtomId FROM dbo.Atoms WITH (UPDLOCK, HOLDLOCK) WHERE AtomId = @Parent;
            IF EXISTS (SELECT 1 FROM dbo.IngestionJobs WHERE ParentAtomId = @Parent AND State = 'RUNNING')
                OR EXISTS (SELECT 1 FROM dbo.DeletionJobs WHERE FileAtomId = @Parent AND State = 'RUNNING')
                SELECT @ParentAtomId = @Parent + 1, @FromSequence = NULL;
            ELSE
            BEGIN
                INSERT INTO #Rows (SequenceIndex, PositionX, PositionY, AtomId)
                SELECT TOP (@MaxPositions) SequenceIndex, PositionX, PositionY, ComponentAtomId
                FROM dbo.AtomCompositionRows
                WHERE ParentAtomId = @Parent AND SequenceIndex >= @From
                ORDER BY SequenceIndex;
                SET @Taken = @@ROWCOUNT;
                SELECT @Last = MAX(SequenceIndex) FROM #Rows;

                -- Runs: consecutive sequence indexes (s - ROW_NUMBER() is constant along one), cut every 4,096.
                WITH numbered AS (
                    SELECT SequenceIndex, SequenceIndex - ROW_NUMBER() OVER (ORDER BY SequenceIndex) AS Island
                    FROM #Rows
                ),
                pieces AS (
                    SELECT SequenceIndex, Island,
                           (ROW_NUMBER() OVER (PARTITION BY Island ORDER BY SequenceIndex) - 1) / 4096 AS Piece
                    FROM numbered
                ),
                runs AS (
                    SELECT SequenceIndex, MIN(SequenceIndex) OVER (PARTITION BY Island, Piece) AS RunStart
                    FROM pieces
                )
                UPDATE r
                SET RunStart = runs.RunStart
                FROM #Rows AS r
                INNER JOIN runs ON runs.SequenceIndex = r.SequenceIndex;

                -- Candidate strides, as SegmentLayout infers them: s = major * stride + minor from a row off major
                -- line 0, or past the largest s when every row is on line 0 (then the minor coordinate is s).
                INSERT INTO #Runs (FirstSequence, PositionCount, RowStride, ColumnStride)
                SELECT RunStart, COUNT(*),
                       COALESCE(MIN(CASE WHEN SequenceIndex > PositionX
                                          AND (SequenceIndex - PositionX) % NULLIF(PositionY, 0) = 0
                                         THEN (SequenceIndex - PositionX) / NULLIF(PositionY, 0) END),
                                CASE WHEN MAX(PositionY) = 0 AND MAX(SequenceIndex) < 9223372036854775807
                                     THEN MAX(SequenceIndex) + 1 END),
                       COALESCE(MIN(CASE WHEN SequenceIndex > PositionY
                                          AND (SequenceIndex - PositionY) % NULLIF(PositionX, 0) = 0
                                         THEN (SequenceIndex - PositionY) / NULLIF(PositionX, 0) END),
                                CASE WHEN MAX(PositionX) = 0 AND MAX(SequenceIndex) < 9223372036854775807
                                     THEN MAX(SequenceIndex) + 1 END)
                FROM #Rows
                GROUP BY RunStart
                HAVING MIN(SequenceIndex) >= 0 AND MIN(PositionX) >= 0 AND MIN(PositionY) >= 0;

                -- A layout holds when every row of the run sits where it puts the row's sequence index.
                UPDATE n
                SET Stride = n.RowStride, ColumnMajor = 0
                FROM #Runs AS n
                WHERE n.RowStride IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM #Rows AS r
                                  WHERE r.RunStart = n.FirstSequence
                                    AND (r.PositionX <> r.SequenceIndex % n.RowStride
                                         OR r.PositionY <> r.SequenceIndex / n.RowStride));
                UPDATE n
                SET Stride = n.ColumnStride, ColumnMajor = 1
                FROM #Runs AS n
                WHERE n.Stride IS NULL AND n.ColumnStride IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM #Rows AS r
                                  WHERE r.RunStart = n.FirstSequence
                                    AND (r.PositionX <> r.SequenceIndex / n.ColumnStride
                                         OR r.PositionY <> r.SequenceIndex % n.ColumnStride));
                DELETE FROM #Runs WHERE Stride IS NULL;

                -- The parent's dictionary: atoms it holds gain the converted positions, new ones are numbered on.
                INSERT INTO #Atoms (AtomId, FirstSequence, Occurrences)
                SELECT r.AtomId, MIN(r.SequenceIndex), COUNT_BIG(*)
                FROM #Rows AS r
                INNER JOIN #Runs AS n ON n.FirstSequence = r.RunStart
                GROUP BY r.AtomId;

                UPDATE a
                SET Ordinal = d.Ordinal, Known = 1
                FROM #Atoms AS a
                INNER JOIN dbo.CompositionDictionary AS d ON d.ParentAtomId = @Parent AND d.AtomId = a.AtomId;

                SELECT @NextOrdinal = COALESCE(MAX(Ordinal), -1) + 1
                FROM dbo.CompositionDictionary
                WHERE ParentAtomId = @Parent;

                UPDATE a
                SET Ordinal = @NextOrdinal + n.OrdinalRank - 1
                FROM #Atoms AS a
                INNER JOIN (
                    SELECT AtomId, ROW_NUMBER() OVER (ORDER BY FirstSequence) AS OrdinalRank
                    FROM #Atoms
                    WHERE Known = 0
                ) AS n ON n.AtomId = a.AtomId;

                UPDATE d
                SET Occurrences = d.Occurrences + a.Occurrences
                FROM dbo.CompositionDictionary AS d
                INNER JOIN #Atoms AS a ON a.AtomId = d.AtomId
                WHERE d.ParentAtomId = @Parent AND a.Known = 1;

                INSERT INTO dbo.CompositionDictionary (ParentAtomId, Ordinal, AtomId, Occurrences)
                SELECT @Parent, Ordinal, AtomId, Occurrences
                FROM #Atoms
                WHERE Known = 0;

                UPDATE n
                SET OrdinalWidth = f.OrdinalWidth
                FROM #Runs AS n
                CROSS APPLY (
                    SELECT MAX(a.Ordinal) AS MaxOrdinal
                    FROM #Rows AS r
                    INNER JOIN #Atoms AS a ON a.AtomId = r.AtomId
                    WHERE r.RunStart = n.FirstSequence
                ) AS m
                CROSS APPLY dbo.fn_OrdinalWidth(m.MaxOrdinal) AS f;

                INSERT INTO dbo.CompositionSegments (ParentAtomId, FirstSequence, PositionCount, Stride, ColumnMajor,
                                                     MinX, MaxX, MinY, MaxY, OrdinalWidth, Ordinals)
                SELECT @Parent, n.FirstSequence, n.PositionCount, n.Stride, n.ColumnMajor,
                       e.MinX, e.MaxX, e.MinY, e.MaxY, n.OrdinalWidth, k.Ordinals
                FROM #Runs AS n
                CROSS APPLY dbo.fn_SegmentExtent(n.FirstSequence, n.PositionCount, n.Stride, n.ColumnMajor) AS e
                CROSS APPLY (
                    SELECT CONVERT(VARBINARY(MAX),
                                   STRING_AGG(h.Hex, '') WITHIN GROUP (ORDER BY r.SequenceIndex), 2) AS Ordinals
                    FROM #Rows AS r
                    INNER JOIN #Atoms AS a ON a.AtomId = r.AtomId
                    CROSS APPLY dbo.fn_OrdinalHex(a.Ordinal, n.OrdinalWidth) AS h
                    WHERE r.RunStart = n.FirstSequence
                ) AS k;

                DELETE c
                FROM dbo.AtomCompositionRows AS c
                INNER JOIN #Rows AS r ON r.SequenceIndex = c.SequenceIndex
                INNER JOIN #Runs AS n ON n.FirstSequence = r.RunStart
                WHERE c.ParentAtomId = @Parent;

                SELECT @Converted = COALESCE(SUM(CAST(PositionCount AS BIGINT)), 0) FROM #Runs;
                IF @Taken < @MaxPositions OR @Last = 9223372036854775807
                    SELECT @ParentAtomId = @Parent + 1, @FromSequence = NULL;
                ELSE
                    SELECT @ParentAtomId = @Parent, @FromSequence = @Last + 1;
            END;
        END;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
