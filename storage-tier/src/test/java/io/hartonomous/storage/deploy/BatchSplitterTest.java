package io.hartonomous.storage.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchSplitterTest {

    @Test
    void splitsOnGoLinesAndRemembersWhereEachBatchStarts() {
        String text = """
                CREATE TABLE a (x INT)
                GO
                -- a comment only batch is dropped
                GO
                CREATE TABLE b (y INT);
                  go  -- trailing comment
                SELECT 1""";
        List<ScriptBatch> batches = BatchSplitter.split(new SchemaScript("001_x.sql", text));
        assertThat(batches).extracting(ScriptBatch::sql)
                .containsExactly("CREATE TABLE a (x INT)", "CREATE TABLE b (y INT);", "SELECT 1");
        assertThat(batches).extracting(ScriptBatch::startLine).containsExactly(1, 5, 7);
        assertThat(batches).extracting(ScriptBatch::batchNumber).containsExactly(1, 2, 3);
    }

    @Test
    void neverSplitsInsideBlockCommentsOrStrings() {
        String text = "SELECT 'a\nGO\nb'\n/* one\nGO\n*/\nSELECT 2\nGO\nSELECT [odd\nGO\nname]";
        List<ScriptBatch> batches = BatchSplitter.split(new SchemaScript("002_y.sql", text));
        assertThat(batches).hasSize(2);
        assertThat(batches.getFirst().sql()).contains("SELECT 2").contains("/* one");
        assertThat(batches.get(1).sql()).startsWith("SELECT [odd");
    }

    @Test
    void refusesRepeatedBatchesAndNormalisesLineEndings() {
        assertThatThrownBy(() -> BatchSplitter.split(new SchemaScript("003_z.sql", "SELECT 1\nGO 5\n")))
                .isInstanceOf(DeployException.class).hasMessageContaining("003_z.sql line 2");
        assertThat(new SchemaScript("a", "x\r\ny").checksum()).isEqualTo(new SchemaScript("a", "x\ny").checksum());
    }
}
