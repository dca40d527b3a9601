package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.engine.segments.PackedOrdinals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What positions in segments rely on in sql/ (020, 030, 040, 050, 070, 071, 078, 079, 098, 099), read from the
 * scripts the deployer applies, held against the engine's own constants where the two must agree (segment size,
 * ordinal widths, the staged columns): the decode, the view and its expansion, the writer's dictionary and overlap
 * checks, deletion and failure touching segments, dictionary and rows alike, and the migration run after deployment.
 */
class CompositionScriptsTest {
    private static final int I = Pattern.CASE_INSENSITIVE;

    private static SqlCodeObjects sql;

    @BeforeAll
    static void read() {
        sql = SqlCodeObjects.read();
        assertThat(sql.names()).contains("dbo.atomcompositions", "dbo.fn_segmentpositions", "dbo.sp_writechunk",
                "dbo.sp_migratecompositionrows", "dbo.sp_getcompositionwindow");
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

    /** Ordinal i is bytes [i*w, i*w + w), big-endian, read as INT from exactly those bytes (VARBINARY, not BINARY). */
    @Test
    void segmentPositionsDecodeTheEnginesPackingWithoutCountingDown() {
        String decode = code("dbo.fn_SegmentPositions");
        assertThat(decode)
                .containsPattern(p("CAST\\s*\\(\\s*CAST\\s*\\(\\s*SUBSTRING\\s*\\(\\s*@Ordinals\\s*,\\s*g\\.value\\s*\\*"
                        + "\\s*@OrdinalWidth\\s*\\+\\s*1\\s*,\\s*@OrdinalWidth\\s*\\)\\s*AS\\s+VARBINARY\\s*\\(\\s*4\\s*\\)"
                        + "\\s*\\)\\s*AS\\s+INT\\s*\\)"))
                .containsPattern(p("@ColumnMajor\\s*=\\s*1\\s+THEN\\s+\\(@FirstSequence\\s*\\+\\s*g\\.value\\)\\s*/"
                        + "\\s*@Stride\\s+ELSE\\s+\\(@FirstSequence\\s*\\+\\s*g\\.value\\)\\s*%\\s*@Stride"));
        // Without a step, GENERATE_SERIES(0, -1) would yield 0 and -1.
        int series = 0;
        for (SqlCodeObjects.Batch b : sql.batches()) {
            Matcher m = p("GENERATE_SERIES\\s*\\(([^;]*?)\\)\\s+AS").matcher(b.code());
            while (m.find()) {
                series++;
                assertThat(TsqlText.splitTopLevel(m.group(1))).as(b.script() + ": " + m.group()).hasSize(3)
                        .last().isEqualTo("1");
            }
        }
        assertThat(series).isPositive();
        String hex = code("dbo.fn_OrdinalHex");
        assertThat(hex).containsPattern(p("RIGHT\\s*\\(\\s*CONVERT\\s*\\(\\s*VARCHAR\\s*\\(\\s*8\\s*\\)\\s*,\\s*CAST\\s*\\("
                + "\\s*@Ordinal\\s+AS\\s+BINARY\\s*\\(\\s*4\\s*\\)\\s*\\)\\s*,\\s*2\\s*\\)\\s*,\\s*2\\s*\\*\\s*@Width\\s*\\)"))
                .containsPattern(p("AS\\s+VARCHAR\\s*\\(\\s*MAX\\s*\\)"));
    }

    /** The width thresholds and the segment size are the engine's. */
    @Test
    void widthsAndSegmentSizeAreTheEnginesOwn() {
        Matcher t = p("WHEN\\s+@MaxOrdinal\\s*<\\s*(\\d+)\\s+THEN\\s+(\\d)").matcher(code("dbo.fn_OrdinalWidth"));
        int thresholds = 0;
        while (t.find()) {
            int limit = Integer.parseInt(t.group(1));
            int width = Integer.parseInt(t.group(2));
            assertThat(PackedOrdinals.widthFor(limit - 1)).isEqualTo(width);
            assertThat(PackedOrdinals.widthFor(limit)).isEqualTo(width + 1);
            thresholds++;
        }
        assertThat(thresholds).isEqualTo(3);
        int max = PackedOrdinals.MAX_POSITIONS;
        assertThat(script("020_tables_atoms.sql")).containsPattern(p("CK_CompositionSegments_Count\\s+CHECK\\s*\\("
                + "\\s*PositionCount\\s+BETWEEN\\s+1\\s+AND\\s+" + max + "\\s*\\)"));
        assertThat(code("dbo.sp_WriteChunk")).contains("PositionCount NOT BETWEEN 1 AND " + max)
                .contains("s.FirstSequence > n.FirstSequence - " + max)
                .contains("s.FirstSequence > c.SequenceIndex - " + max);
        assertThat(code("dbo.sp_GetCompositionWindow")).contains("@FromSequence - " + max);
        assertThat(code("dbo.sp_MigrateCompositionRows")).contains("- 1) / " + max + " AS Piece");
    }

    /** Queries written for rows keep working: the old table's name is a view over segments and rows. */
    @Test
    void atomCompositionsIsAViewOverSegmentsAndRowsWithTheRowTablesColumns() {
        String view = code("dbo.AtomCompositions");
        assertThat(view.strip()).startsWith("CREATE OR ALTER VIEW dbo.AtomCompositions")
                .containsPattern(p("FROM\\s+dbo\\.CompositionSegments\\s+AS\\s+s\\s+CROSS\\s+APPLY\\s+"
                        + "dbo\\.fn_SegmentPositions\\s*\\("))
                .containsPattern(p("INNER\\s+JOIN\\s+dbo\\.CompositionDictionary\\s+AS\\s+d\\s+ON\\s+d\\.ParentAtomId\\s*="
                        + "\\s*s\\.ParentAtomId\\s+AND\\s+d\\.Ordinal\\s*=\\s*p\\.Ordinal"))
                .containsPattern(p("UNION\\s+ALL\\s+SELECT\\s+ParentAtomId,\\s*ComponentAtomId,\\s*SequenceIndex,\\s*"
                        + "PositionX,\\s*PositionY,\\s*SpatialKey\\s+FROM\\s+dbo\\.AtomCompositionRows"));
        for (String column : List.of("ParentAtomId", "AS ComponentAtomId", "SequenceIndex", "PositionX", "PositionY",
                "AS SpatialKey")) {
            assertThat(view).contains(column);
        }
        // Nothing writes to the view, and no procedure the engine calls reads it: they decode bounded windows.
        Pattern write = p("\\b(INSERT\\s+INTO|DELETE\\s+(TOP\\s*\\([^)]*\\)\\s+)?FROM|UPDATE)\\s+dbo\\.AtomCompositions\\b");
        for (SqlCodeObjects.Batch b : sql.batches()) {
            assertThat(b.code()).as(b.script()).doesNotContainPattern(write);
        }
        for (Procedure procedure : Procedures.ALL) {
            sql.codeIfAny(procedure.name()).ifPresent(body ->
                    assertThat(body).as(procedure.name()).doesNotContainPattern(p("\\bdbo\\.AtomCompositions\\b")));
        }
    }

    /** Segments, their dictionaries and rows are filtered like the rows were: by their parent's owners. */
    @Test
    void theTenantSeesCompositionsOfItsParentsOnly() {
        String security = script("050_security.sql");
        for (String table : List.of("AtomCompositionRows", "CompositionSegments", "CompositionDictionary")) {
            assertThat(security).containsPattern(p("ADD\\s+FILTER\\s+PREDICATE\\s+security\\.fn_ParentAtomPredicate\\("
                    + "ParentAtomId\\)\\s+ON\\s+dbo\\." + table + "\\s*,"));
        }
        assertThat(security).as("a view cannot carry a predicate").doesNotContainPattern(
                p("\\bON\\s+dbo\\.AtomCompositions\\b"));
    }

    /** The envelope is indexed (040 builds the index, 099 checks it) and is a proper box even for one position. */
    @Test
    void segmentEnvelopesAreUnderASpatialIndex() {
        assertThat(script("020_tables_atoms.sql")).containsPattern(p("Envelope\\s+AS\\s+geometry::Point\\(MinX\\s*-\\s*0\\.5,"
                + "\\s*MinY\\s*-\\s*0\\.5,\\s*0\\)\\.STUnion\\(geometry::Point\\(MaxX\\s*\\+\\s*0\\.5,\\s*MaxY\\s*\\+\\s*0\\.5,"
                + "\\s*0\\)\\)\\.STEnvelope\\(\\)\\s+PERSISTED\\s+NOT\\s+NULL"));
        assertThat(script("040_indexes.sql")).contains("EXEC ops.sp_EnsureSpatialIndex @TableName = N'CompositionSegments';")
                .contains("@indexName = N'SIX_CompositionSegments_Envelope'").contains("@column = N'Envelope'");
        assertThat(script("099_verify.sql")).contains("(N'dbo.CompositionSegments', N'SIX_CompositionSegments_Envelope')")
                .contains("compatibility_level >= 160");
        assertThat(code("dbo.fn_CompositionsInRegion")).contains("s.Envelope.STIntersects(@Region) = 1");
    }

    /**
     * The chunk merge: segments checked for repeated positions with the error the key reports for rows, new
     * dictionary ordinals after MAX(Ordinal) in the chunk's atom order while the job row is locked, segments
     * repacked from the dictionary ordinals, every staging table swept.
     */
    @Test
    void theChunkMergeNumbersTheDictionaryUnderTheJobLockAndRefusesRepeatedPositions() {
        String write = code("dbo.sp_WriteChunk");
        int lock = write.indexOf("FROM dbo.IngestionJobs WITH (UPDLOCK, HOLDLOCK)");
        int next = write.indexOf("SELECT @NextOrdinal = COALESCE(MAX(Ordinal), -1) + 1");
        assertThat(lock).isPositive().isLessThan(next);
        assertThat(write).contains("ROW_NUMBER() OVER (ORDER BY Ordinal) AS OrdinalRank")
                .contains("SET ParentOrdinal = @NextOrdinal + n.OrdinalRank - 1")
                .contains("CROSS APPLY dbo.fn_OrdinalHex(c.ParentOrdinal, w.OrdinalWidth) AS h")
                .contains("STRING_AGG(h.Hex, '') WITHIN GROUP (ORDER BY p.PositionOffset)")
                .contains("LAG(FirstSequence + PositionCount) OVER (ORDER BY FirstSequence)");
        Matcher repeated = p("THROW\\s+50409\\s*,\\s*N'a composition row repeats a position that is already stored'")
                .matcher(write);
        int throwsRepeated = 0;
        while (repeated.find()) {
            throwsRepeated++;
        }
        assertThat(throwsRepeated).as("within the chunk, and against stored segments and rows").isEqualTo(2);
        assertThat(write).contains("N' row repeats a position that is already stored'");
        for (String procedure : List.of("dbo.sp_WriteChunk", "dbo.sp_CompleteIngestionJob", "dbo.sp_FailIngestionJob")) {
            assertThat(code(procedure)).as(procedure).containsPattern(p("DELETE\\s+FROM\\s+dbo\\.StagingSegments\\s+WHERE"));
        }
        assertThat(code("dbo.sp_WriteChunkFromTables")).contains("@Segments     dbo.SegmentChunkType READONLY")
                .contains("FROM @Segments;");
    }

    /** Whatever removes a file's compositions removes segments, dictionary and rows, releasing exact counts. */
    @Test
    void failingAJobAndDeletingAFileReleaseSegmentsDictionaryAndRows() {
        String fail = code("dbo.sp_FailIngestionJob");
        assertThat(fail).contains("SELECT AtomId, Occurrences AS N")
                .contains("DELETE FROM dbo.CompositionSegments WHERE ParentAtomId = @ParentAtomId;")
                .contains("DELETE FROM dbo.CompositionDictionary WHERE ParentAtomId = @ParentAtomId;")
                .contains("DELETE FROM dbo.AtomCompositionRows WHERE ParentAtomId = @ParentAtomId;");
        String batch = code("dbo.sp_RunDeletionBatch");
        assertThat(batch).contains("DELETE TOP (@MaxRows) FROM dbo.AtomCompositionRows")
                .contains("SELECT TOP (@Budget) FirstSequence, PositionCount")
                .contains("WHERE d.ParentAtomId = @FileAtomId AND d.Occurrences = r.N;")
                .contains("SET Occurrences = d.Occurrences - r.N")
                .contains("Ordinals = SUBSTRING(s.Ordinals, c.Take * s.OrdinalWidth + 1,")
                .contains("SELECT AtomId, SUM(N) AS N FROM #Removed GROUP BY AtomId");
        // The entries that reach zero go before the rest count down: Occurrences may never be 0 (its CHECK).
        assertThat(batch.indexOf("d.Occurrences = r.N;")).isLessThan(batch.indexOf("SET Occurrences = d.Occurrences - r.N"));
        assertThat(code("dbo.sp_RequestDeletion")).contains("SUM(CAST(PositionCount AS BIGINT))");
        assertThat(code("dbo.sp_CompleteIngestionJob")).contains("SELECT AtomId FROM dbo.CompositionDictionary");
    }

    /** The migration runs as hart_system, is driven to the end after deployment (098) and may be run again. */
    @Test
    void theDeploymentConvertsRowsIntoSegmentsToTheEnd() {
        String migrate = code("dbo.sp_MigrateCompositionRows");
        assertThat(migrate).contains("WITH EXECUTE AS 'hart_system'")
                .contains("FROM dbo.Atoms WITH (UPDLOCK, HOLDLOCK) WHERE AtomId = @Parent")
                .contains("State = 'RUNNING'")
                .contains("BEGIN TRANSACTION").contains("COMMIT TRANSACTION")
                .containsPattern(p("DELETE\\s+c\\s+FROM\\s+dbo\\.AtomCompositionRows\\s+AS\\s+c"));
        assertThat(sql.scriptOf("dbo.sp_migratecompositionrows")).isEqualTo("079_procedures_migration.sql");
        String post = script("098_migrate_compositions.sql");
        assertThat(post).containsPattern(p("WHILE\\s+@Done\\s*=\\s*0\\s+EXEC\\s+dbo\\.sp_MigrateCompositionRows\\s+"
                + "@ParentAtomId\\s*=\\s*@ParentAtomId\\s+OUTPUT\\s*,\\s*@FromSequence\\s*=\\s*@FromSequence\\s+OUTPUT\\s*,"
                + "\\s*@Done\\s*=\\s*@Done\\s+OUTPUT"));
        assertThat(script("095_permissions.sql"))
                .contains("GRANT EXECUTE ON OBJECT::dbo.sp_MigrateCompositionRows TO hart_admin;");
        List<String> order = sql.batches().stream().map(SqlCodeObjects.Batch::script).distinct().toList();
        assertThat(order.indexOf("098_migrate_compositions.sql")).isGreaterThan(order.indexOf("079_procedures_migration.sql"))
                .isLessThan(order.indexOf("099_verify.sql"));
    }

    /** The window read seeks the clustered keys over its range and returns the four result sets the engine reads. */
    @Test
    void theWindowReadReturnsWhatCompositionWindowDecodes() {
        String window = code("dbo.sp_GetCompositionWindow");
        assertThat(window).contains("AND FirstSequence > @Reach").contains("AND FirstSequence < @End")
                .contains("r.SequenceIndex >= @FromSequence AND r.SequenceIndex < @End")
                .contains("SELECT FirstSequence, PositionCount, Stride, ColumnMajor, OrdinalWidth, Ordinals")
                .contains("SELECT r.SequenceIndex, r.PositionX, r.PositionY, r.ComponentAtomId, a.Modality, a.Subtype, "
                        + "a.AtomicValue")
                .contains("SELECT d.Ordinal, d.AtomId, a.Modality, a.Subtype, a.AtomicValue")
                .contains("END AS NextSequence;");
        assertThat(code("dbo.sp_GetCompositionCount")).contains("SUM(CAST(PositionCount AS BIGINT))");
    }
}
