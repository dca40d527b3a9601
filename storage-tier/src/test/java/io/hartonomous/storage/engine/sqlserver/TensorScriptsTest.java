package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.engine.segments.TensorGrid;
import io.hartonomous.storage.engine.segments.TensorSegmentPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What tensors in versioned segments rely on in sql/ (021, 030, 050, 070, 072, 075, 078, 080, 095, 099), read from
 * the scripts the deployer applies and held against the engine's constants where the two must agree (the block of
 * 4,096, the grid, the window): the decode and the views, the writers' tensor lock, history written with Replaced at
 * one version time, deletion and retention counted in weights, and nothing left that points at weight rows.
 */
class TensorScriptsTest {
    private static final int I = Pattern.CASE_INSENSITIVE;
    private static final int BLOCK = TensorSegmentPlan.BLOCK;

    private static SqlCodeObjects sql;

    @BeforeAll
    static void read() {
        sql = SqlCodeObjects.read();
    }

    private static String code(String name) {
        return sql.code(name);
    }

    private static String script(String name) {
        return sql.script(name);
    }

    private static Pattern p(String regex) {
        return Pattern.compile(regex, I | Pattern.DOTALL);
    }

    /** Element i sits where TensorGrid puts it, and its ordinal is read by the one decode composition segments use. */
    @Test
    void tensorPositionsAreTheGridsAndShareTheSegmentDecode() {
        String positions = code("dbo.fn_TensorPositions");
        assertThat(positions).containsPattern(p("FROM\\s+dbo\\.fn_SegmentPositions\\s*\\(\\s*@FirstIndex\\s*,\\s*1\\s*,"
                        + "\\s*0\\s*,\\s*@OrdinalWidth\\s*,\\s*@Ordinals\\s*,\\s*@FromOffset\\s*,\\s*@ToOffset\\s*\\)"))
                .contains("p.SequenceIndex AS ElementIndex")
                .contains("p.SequenceIndex % @SizeX AS PositionX")
                .contains("p.SequenceIndex / @SizeX % @SizeY AS PositionY")
                .contains("p.SequenceIndex / (@SizeX * @SizeY) AS PositionZ");
        // The same three expressions, evaluated as T-SQL evaluates them (integer division and % left to right).
        TensorGrid grid = new TensorGrid(5, 4, 120);
        for (long i = 0; i < 120; i++) {
            assertThat(new long[] {i % 5, i / 5 % 4, i / (5 * 4)})
                    .containsExactly(grid.x(i), grid.y(i), grid.z(i));
            assertThat(grid.index(grid.x(i), grid.y(i), grid.z(i))).isEqualTo(i);
        }
        String shape = code("dbo.fn_TensorGrid");
        assertThat(shape).containsPattern(p("WHERE\\s+CAST\\(j\\.\\[key\\]\\s+AS\\s+INT\\)\\s*=\\s*n\\.Dimensions\\s*-\\s*1\\)"
                        + "\\s*,\\s*1\\)\\s+AS\\s+SizeX"))
                .containsPattern(p("=\\s*n\\.Dimensions\\s*-\\s*2\\)\\s*,\\s*1\\)\\s+AS\\s+SizeY"))
                .contains("CASE WHEN CAST(j.value AS BIGINT) < 1 THEN 1 ELSE CAST(j.value AS BIGINT) END");
        assertThat(TensorGrid.of(List.of(2L, 3L, 4L, 5L), 120)).isEqualTo(new TensorGrid(5, 4, 120));
        assertThat(TensorGrid.of(List.of(), 1)).isEqualTo(new TensorGrid(1, 1, 1));
        assertThat(TensorGrid.of(List.of(0L, 3L), 0)).isEqualTo(new TensorGrid(3, 1, 0));
        assertThat(TensorGrid.of(List.of(7L, 0L), 0)).isEqualTo(new TensorGrid(1, 7, 0));
        assertThat(code("dbo.sp_GetTensorGrids")).contains("CROSS APPLY dbo.fn_TensorGrid(l.Shape) AS g");
        assertThat(code("dbo.sp_WriteChunk")).contains("CROSS APPLY dbo.fn_TensorGrid(l.Shape) AS g")
                .contains("n.SizeX <> g.SizeX OR n.SizeY <> g.SizeY OR n.FirstIndex + n.PositionCount > l.ElementCount");
        assertThat(code("dbo.sp_UpdateWeights")).contains("CROSS APPLY dbo.fn_TensorGrid(l.Shape) AS g")
                .contains("THEN (PositionZ * @SizeY + PositionY) * @SizeX + PositionX END");
    }

    /** A segment lies inside one aligned block of the engine's size; a window of the engine's holds whole ones. */
    @Test
    void blocksAreTheEnginesAndEveryLookupStaysInsideOne() {
        assertThat(BLOCK).isEqualTo(4096);
        assertThat(TensorWindow.ELEMENTS % BLOCK).isZero();
        String tables = script("021_tables_models.sql");
        assertThat(tables).contains("CONSTRAINT CK_TensorSegments_Count CHECK (PositionCount BETWEEN 1 AND " + BLOCK + ")")
                .containsPattern(p("CK_TensorSegments_Block\\s+CHECK\\s*\\(\\s*FirstIndex\\s*>=\\s*0\\s+AND\\s+FirstIndex\\s*/\\s*"
                        + BLOCK + "\\s*=\\s*\\(FirstIndex\\s*\\+\\s*PositionCount\\s*-\\s*1\\)\\s*/\\s*" + BLOCK + "\\s*\\)"))
                .contains("CONSTRAINT PK_TensorSegments PRIMARY KEY CLUSTERED (ModelId, LayerIdx, FirstIndex)")
                .contains("CONSTRAINT PK_TensorSegmentsHistory PRIMARY KEY CLUSTERED (ModelId, LayerIdx, FirstIndex, ValidTo)")
                .contains("CONSTRAINT CK_TensorSegmentsHistory_Replaced CHECK (Replaced BETWEEN 0 AND PositionCount)")
                .contains("CONSTRAINT UQ_TensorDictionary_Atom UNIQUE (ModelId, AtomId)")
                .contains("CONSTRAINT CK_TensorDictionary_Occurrences CHECK (Occurrences >= 0)")
                .contains("CREATE NONCLUSTERED INDEX IX_TensorDictionary_Atom ON dbo.TensorDictionary (AtomId)");
        assertThat(code("dbo.sp_WriteChunk")).contains("PositionCount NOT BETWEEN 1 AND " + BLOCK)
                .contains("FirstIndex / " + BLOCK + " <> (FirstIndex + PositionCount - 1) / " + BLOCK)
                .contains("s.FirstIndex >= n.FirstIndex - n.FirstIndex % " + BLOCK)
                .contains("LAG(FirstIndex + PositionCount) OVER (PARTITION BY LayerIdx ORDER BY FirstIndex)");
        assertThat(code("dbo.sp_UpdateWeights")).contains("s.FirstIndex >= u.ElementIndex - u.ElementIndex % " + BLOCK);
        assertThat(code("dbo.sp_GetTensorWindow")).contains("SET @Reach = @FromIndex - @FromIndex % " + BLOCK)
                .contains("FirstIndex >= @Reach AND FirstIndex < @End AND FirstIndex + PositionCount > @FromIndex")
                .contains("SELECT FirstIndex, PositionCount, OrdinalWidth, Ordinals")
                .contains("SELECT d.Ordinal, a.Subtype, a.AtomicValue")
                .contains("END AS NextIndex;");
    }

    /** Queries written for rows keep working: the row tables' names are views with their columns. */
    @Test
    void theRowTablesAreViewsOverSegmentsWithTheirColumns() {
        for (String[] view : List.of(new String[] {"dbo.TensorAtomCoefficients", "dbo.TensorSegments"},
                new String[] {"dbo.TensorAtomCoefficientsHistory", "dbo.TensorSegmentsHistory"})) {
            String body = code(view[0]);
            assertThat(body.strip()).startsWith("CREATE OR ALTER VIEW " + view[0])
                    .containsPattern(p("FROM\\s+" + Pattern.quote(view[1]) + "\\s+AS\\s+s\\s+CROSS\\s+APPLY\\s+"
                            + "dbo\\.fn_TensorPositions\\s*\\("))
                    .containsPattern(p("INNER\\s+JOIN\\s+dbo\\.TensorDictionary\\s+AS\\s+d\\s+ON\\s+d\\.ModelId\\s*=\\s*"
                            + "s\\.ModelId\\s+AND\\s+d\\.Ordinal\\s*=\\s*p\\.Ordinal"));
            for (String column : List.of("s.ModelId", "s.LayerIdx", "p.PositionZ", "p.PositionY", "p.PositionX",
                    "d.AtomId AS TensorAtomId", "AS SpatialKey", "s.ValidFrom")) {
                assertThat(body).as(view[0]).contains(column);
            }
        }
        assertThat(code("dbo.TensorAtomCoefficientsHistory")).contains("s.ValidTo");
        assertThat(code("dbo.TensorAtomCoefficients")).doesNotContain("ValidTo");
        Pattern write = p("\\b(INSERT\\s+INTO|DELETE\\s+(TOP\\s*\\([^)]*\\)\\s+)?FROM|UPDATE|ALTER\\s+TABLE)\\s+"
                + "dbo\\.TensorAtomCoefficients(History)?\\b");
        for (SqlCodeObjects.Batch b : sql.batches()) {
            assertThat(b.code()).as(b.script()).doesNotContainPattern(write);
            // Weights are never rows: no table of sql/ has a weight's (x, y, z) but the update type's.
            Matcher table = p("CREATE\\s+TABLE\\s+([\\w.]+)\\s*\\(([^;]*?)\\)\\s*;").matcher(b.code());
            while (table.find()) {
                assertThat(table.group(2)).as(b.script() + ": " + table.group(1)).doesNotContainPattern(p("\\bPositionZ\\b"));
            }
        }
        for (Procedure procedure : Procedures.ALL) {
            sql.codeIfAny(procedure.name()).ifPresent(body ->
                    assertThat(body).as(procedure.name()).doesNotContainPattern(p("\\bdbo\\.TensorAtomCoefficients")));
        }
    }

    /** Segments, versions and dictionaries are filtered like the rows were: by their model's owners. */
    @Test
    void theTenantSeesItsModelsTensorsOnly() {
        String security = script("050_security.sql");
        for (String table : List.of("TensorSegments", "TensorSegmentsHistory", "TensorDictionary")) {
            assertThat(security).containsPattern(p("ADD\\s+FILTER\\s+PREDICATE\\s+security\\.fn_ModelPredicate\\(ModelId\\)"
                    + "\\s+ON\\s+dbo\\." + table + "\\s*,"));
        }
        assertThat(security).doesNotContainPattern(p("\\bON\\s+dbo\\.TensorAtomCoefficients"));
    }

    /**
     * Whatever writes a model's segments or dictionary takes its tensor lock, exclusively, for the transaction, before
     * it touches an atom, so writers of one model never number values concurrently nor wait on each other in a cycle.
     */
    @Test
    void everyWriterOfAModelsSegmentsTakesItsTensorLockBeforeTheAtoms() {
        Pattern lock = p("sp_getapplock\\s+@Resource\\s*=\\s*@tensorLock\\s*,\\s*@LockMode\\s*=\\s*'Exclusive'\\s*,\\s*"
                + "@LockOwner\\s*=\\s*'Transaction'");
        Pattern atoms = p("MERGE\\s+dbo\\.Atoms|UPDATE\\s+a\\s+SET\\s+ReferenceCount|FROM\\s+dbo\\.Atoms\\s+AS\\s+a");
        for (String writer : List.of("dbo.sp_WriteChunk", "dbo.sp_UpdateWeights", "dbo.sp_RollbackWeightsToTimestamp",
                "dbo.sp_FailIngestionJob", "dbo.sp_RunDeletionBatch", "ops.sp_PurgeHistory")) {
            String body = code(writer);
            Matcher l = lock.matcher(body);
            assertThat(l.find()).as(writer + " takes the tensor lock").isTrue();
            assertThat(body).as(writer).containsPattern(p("CONCAT\\(N'hart\\.tensors\\.',\\s*@(ModelId|model)\\)"));
            Matcher a = atoms.matcher(body);
            if (writer.equals("dbo.sp_FailIngestionJob")) {
                // Its compositions' atoms come first; the weights' after the lock.
                assertThat(body.indexOf("SET ReferenceCount = a.ReferenceCount - d.Occurrences")).isGreaterThan(l.start());
            } else if (a.find()) {
                assertThat(l.start()).as(writer + ": the lock before the atoms").isLessThan(a.start());
            }
        }
        // The same protocol as before for snapshots: writers hold the weight lock shared, outside their transaction.
        for (String writer : List.of("dbo.sp_UpdateWeights", "dbo.sp_RollbackWeightsToTimestamp")) {
            String body = code(writer);
            assertThat(body.indexOf("@Resource = @weightLock")).isLessThan(body.indexOf("@Resource = @tensorLock"));
        }
    }

    /**
     * History is written by the procedures, one time per operation after every version it replaces and the model's
     * snapshots: the old version with ValidTo and Replaced, the new one current.
     */
    @Test
    void versionsAreWrittenWithReplacedAtOneTime() {
        String time = code("dbo.fn_WeightVersionTime");
        assertThat(time).contains("CASE WHEN x.Latest >= t.Now THEN DATEADD(NANOSECOND, 100, x.Latest) ELSE t.Now END")
                .contains("SELECT MAX(s.TakenAt) FROM dbo.WeightSnapshots AS s WHERE s.ModelId = @ModelId");
        Pattern history = p("INSERT\\s+INTO\\s+dbo\\.TensorSegmentsHistory\\s*\\(ModelId,\\s*LayerIdx,\\s*FirstIndex,\\s*"
                + "PositionCount,\\s*SizeX,\\s*SizeY,\\s*OrdinalWidth,\\s*Ordinals,\\s*ValidFrom,\\s*ValidTo,\\s*Replaced\\)");
        for (String writer : List.of("dbo.sp_UpdateWeights", "dbo.sp_RollbackWeightsToTimestamp",
                "dbo.sp_RunDeletionBatch")) {
            String body = code(writer);
            assertThat(body).as(writer).containsPattern(history)
                    .contains("SELECT @Now = VersionTime FROM dbo.fn_WeightVersionTime(@ModelId, @Latest);");
            assertThat(body.indexOf("fn_WeightVersionTime")).isLessThan(body.indexOf("INSERT INTO dbo.TensorSegmentsHistory"));
        }
        String update = code("dbo.sp_UpdateWeights");
        assertThat(update).contains("s.ValidFrom, @Now, r.Replaced")
                .contains("SET OrdinalWidth = w.OrdinalWidth, Ordinals = k.Ordinals, ValidFrom = @Now")
                .contains("HAVING MAX(CASE WHEN NewOrdinal <> OldOrdinal THEN 1 ELSE 0 END) = 1")
                .contains("COALESCE(LAG(v.ModelOrdinal) OVER (PARTITION BY v.ElementIndex ORDER BY v.Ordinal), c.OldOrdinal)")
                .contains("SELECT @Changed = COUNT(*) FROM #Updates WHERE PreviousOrdinal <> ModelOrdinal;");
        String rollback = code("dbo.sp_RollbackWeightsToTimestamp");
        assertThat(rollback).contains("AND h.ValidFrom <= @To AND h.ValidTo > @To")
                .contains("WHERE s.ModelId = @ModelId AND s.ValidFrom > @To;")
                .contains("SET OrdinalWidth = p.ThenWidth, Ordinals = p.ThenOrdinals, ValidFrom = @Now")
                .containsPattern(p("IF\\s+@DryRun\\s*=\\s*0\\s+AND\\s+@Changed\\s*>\\s*0"));
        assertThat(rollback.indexOf("SET @Changed = @@ROWCOUNT;")).isLessThan(rollback.indexOf("IF @DryRun = 0"));
        String asOf = code("dbo.sp_GetTensorAsOf");
        assertThat(asOf).contains("WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx AND ValidFrom <= @AsOf")
                .contains("AND ValidFrom <= @AsOf AND ValidTo > @AsOf").contains("ORDER BY p.ElementIndex;");
        assertThat(code("dbo.sp_WriteChunk")).contains("SET @Now = SYSUTCDATETIME();")
                .contains("k.Ordinals, @Now");
    }

    /** Deletion and retention count weights; a leaf any dictionary lists is never purged. */
    @Test
    void deletionAndRetentionCountWeightsAndKeepWhatDictionariesList() {
        String request = code("dbo.sp_RequestDeletion");
        assertThat(request).contains("SELECT @Coefficients = COALESCE(SUM(CAST(PositionCount AS BIGINT)), 0)")
                .contains("SELECT COALESCE(SUM(CAST(Replaced AS BIGINT)), 0)");
        String batch = code("dbo.sp_RunDeletionBatch");
        assertThat(batch).contains("s.Ordinals, s.ValidFrom, @Now, s.PositionCount")
                .contains("WHERE o.Through - o.PositionCount < @MaxRows;")
                .contains("WHERE o.Through - o.Replaced < @MaxRows;")
                .contains("DELETE TOP (@MaxRows) FROM dbo.TensorDictionary")
                .contains("SET Occurrences = d.Occurrences - r.N");
        assertThat(batch.indexOf("DELETE h")).as("versions before the dictionary")
                .isLessThan(batch.indexOf("DELETE TOP (@MaxRows) FROM dbo.TensorDictionary"));
        String listed = "NOT EXISTS (SELECT 1 FROM dbo.TensorDictionary AS d WHERE d.AtomId = a.AtomId)";
        for (String purger : List.of("dbo.sp_RunDeletionBatch", "dbo.sp_FailIngestionJob")) {
            String body = code(purger);
            Matcher deletes = p("DELETE\\s+a\\s+FROM\\s+dbo\\.Atoms\\s+AS\\s+a\\s+WHERE(.*?);").matcher(body);
            int n = 0;
            while (deletes.find()) {
                n++;
                assertThat(deletes.group(1)).as(purger).contains(listed);
            }
            assertThat(n).as(purger).isPositive();
        }
        String fail = code("dbo.sp_FailIngestionJob");
        assertThat(fail.indexOf("DELETE FROM dbo.TensorDictionary WHERE ModelId = @ModelId;"))
                .as("the model's own entries go before its leaves are purged")
                .isLessThan(fail.indexOf("AND a.AtomId IN (SELECT AtomId FROM #ModelAtoms)"));
        assertThat(code("dbo.sp_CompleteIngestionJob")).contains("FROM dbo.TensorDictionary WHERE ModelId = @ModelId AND Occurrences > 0");
        String retention = code("ops.fn_HistoryPastRetention");
        assertThat(retention).contains("SELECT COALESCE(SUM(CAST(h.Replaced AS BIGINT)), 0) FROM dbo.TensorSegmentsHistory AS h");
        String purge = code("ops.sp_PurgeHistory");
        assertThat(purge).contains("WHERE o.Through - o.Replaced < @BatchRows;")
                .contains("WHERE d.ModelId = @model AND d.Occurrences = 0")
                .contains("AND NOT EXISTS (SELECT 1 FROM #Used AS u WHERE u.Ordinal = d.Ordinal);");
        assertThat(purge.indexOf("DELETE h")).isLessThan(purge.indexOf("DELETE d"));
        assertThat(code("ops.sp_RowCounts")).contains("(25, N'TensorSegments'").contains("(27, N'TensorDictionary'");
    }

    /** No row-per-weight data can exist (021 changed in place, so the deployer refuses older databases). */
    @Test
    void nothingMigratesWeightsBecauseNoRowsCanExist() {
        for (SqlCodeObjects.Batch b : sql.batches()) {
            assertThat(b.code()).as(b.script()).doesNotContain("TensorCoefficientRows").doesNotContain("StagingCoefficients")
                    .doesNotContain("CoefficientChunkType");
        }
        assertThat(script("098_migrate_compositions.sql")).doesNotContainPattern(p("Tensor"));
        assertThat(script("099_verify.sql")).contains("(N'dbo.TensorAtomCoefficients', N'V')")
                .contains("(N'dbo.fn_TensorPositions', N'IF')").contains("(N'dbo.fn_TensorGrid', N'IF')")
                .contains("(N'dbo.fn_WeightVersionTime', N'IF')")
                .contains("(N'dbo.TensorSegmentsHistory', N'IX_TensorSegmentsHistory_ValidTo')")
                .doesNotContain("NCCI_TensorAtomCoefficients");
    }
}
