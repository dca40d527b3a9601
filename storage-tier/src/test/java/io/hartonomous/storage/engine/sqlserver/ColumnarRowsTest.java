package io.hartonomous.storage.engine.sqlserver;

import com.microsoft.sqlserver.jdbc.SQLServerMetaData;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.models.WeightUpdate;
import io.hartonomous.storage.engine.jdbc.ContractRows;
import org.junit.jupiter.api.Test;

import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bulk-data / table-valued-parameter adapters over the columnar batches, without a server. */
class ColumnarRowsTest {
    private static final UUID BATCH = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    private static final ChunkRows.StagingKey KEY = new ChunkRows.StagingKey(BATCH, 31);
    private static final AtomType RGBA8 = AtomType.of(Modality.IMAGE, "rgba8");

    private static List<Object[]> drain(ColumnarRows rows) {
        List<Object[]> all = new ArrayList<>();
        while (rows.next()) {
            all.add(rows.getRowData().clone());
        }
        return all;
    }

    private static List<String> names(ColumnarRows rows) {
        List<String> names = new ArrayList<>();
        for (int ordinal : rows.getColumnOrdinals()) {
            names.add(rows.getColumnName(ordinal));
        }
        return names;
    }

    @Test
    void stagedAtomsCarryTheKeyThenEachAtomByOrdinal() {
        NewAtom a = NewAtom.of(RGBA8, new byte[] {1, 2, 3, 4});
        NewAtom b = NewAtom.of(RGBA8, new byte[] {5, 6, 7, 8});
        ColumnarRows rows = ChunkRows.atoms(List.of(a, b), KEY);

        assertThat(names(rows)).containsExactly("BatchId", "JobId", "Ordinal", "ContentHash", "Modality", "Subtype",
                "AtomicValue");
        assertThat(rows.getColumnOrdinals()).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(rows.getColumnType(1)).isEqualTo(microsoft.sql.Types.GUID);
        assertThat(rows.getPrecision(1)).isEqualTo(36);
        assertThat(rows.getColumnType(2)).isEqualTo(Types.BIGINT);
        assertThat(rows.getColumnType(4)).isEqualTo(Types.BINARY);
        assertThat(rows.getPrecision(4)).isEqualTo(32);
        assertThat(rows.getColumnType(5)).isEqualTo(Types.VARCHAR);
        assertThat(rows.getPrecision(5)).isEqualTo(16);
        assertThat(rows.getColumnType(7)).isEqualTo(Types.VARBINARY);
        assertThat(rows.getPrecision(7)).isEqualTo(64);
        assertThat(rows.getScale(7)).isZero();
        assertThat(rows.rowCount()).isEqualTo(2);

        List<Object[]> data = drain(rows);
        assertThat(data).hasSize(2);
        assertThat(data.get(0)).containsExactly(BATCH.toString(), 31L, 0, a.contentHash().bytes(), "image", "rgba8",
                a.value());
        assertThat(data.get(1)[2]).isEqualTo(1);
        assertThat(data.get(1)[3]).isEqualTo(b.contentHash().bytes());
        assertThat(rows.next()).as("stays exhausted").isFalse();
    }

    @Test
    void compositionRowsReadTheColumnsInPlace() {
        CompositionBatch batch = new CompositionBatch(3, new long[] {10, 11, 12, 99}, new long[] {0, 1, 2, 99},
                new long[] {5, 5, 5, 99}, new int[] {2, 0, 1, 99});
        ColumnarRows staged = ChunkRows.compositions(batch, KEY);
        assertThat(names(staged)).containsExactly("BatchId", "JobId", "SequenceIndex", "PositionX", "PositionY",
                "AtomOrdinal");
        List<Object[]> data = drain(staged);
        assertThat(data).as("only size rows, not the arrays' spare capacity").hasSize(3);
        assertThat(data.get(0)).containsExactly(BATCH.toString(), 31L, 10L, 0L, 5L, 2);
        assertThat(data.get(2)).containsExactly(BATCH.toString(), 31L, 12L, 2L, 5L, 1);

        ColumnarRows tvp = ChunkRows.compositions(batch, null);
        assertThat(tvp.columns()).isEqualTo(TableType.COMPOSITION_CHUNK.columns());
        assertThat(drain(tvp).get(1)).containsExactly(11L, 1L, 5L, 0);
    }

    /**
     * A row-major chunk crossing a line of a 16-wide image, with a gap: two segments carrying the rows' chunk
     * ordinals big-endian at the width the largest needs (300 needs two bytes), the key first; the same chunk with
     * segments off, or with rows that follow no layout, is staged row by row.
     */
    @Test
    void compositionsThatFollowALayoutAreStagedAsSegmentsOfChunkOrdinals() {
        int n = 20;
        long[] seq = new long[n];
        long[] x = new long[n];
        long[] y = new long[n];
        int[] ordinal = new int[n];
        for (int i = 0; i < n; i++) {
            seq[i] = i < 12 ? 10 + i : 40 + i;
            x[i] = seq[i] % 16;
            y[i] = seq[i] / 16;
            ordinal[i] = i == 3 ? 300 : i % 4;
        }
        CompositionBatch batch = new CompositionBatch(n, seq, x, y, ordinal);
        StagedCompositions staged = StagedCompositions.of(batch, true);
        assertThat(staged.rows().size()).isZero();
        ColumnarRows segments = ChunkRows.segments(staged, KEY);
        assertThat(names(segments)).containsExactly("BatchId", "JobId", "FirstSequence", "PositionCount", "Stride",
                "ColumnMajor", "OrdinalWidth", "Ordinals");
        assertThat(segments.getColumnType(6)).isEqualTo(Types.BIT);
        assertThat(segments.getColumnType(7)).isEqualTo(Types.TINYINT);
        assertThat(segments.getPrecision(8)).as("VARBINARY(MAX): streamed").isGreaterThan(8000);
        List<Object[]> data = drain(segments);
        assertThat(data).hasSize(2);
        assertThat(data.get(0)).startsWith(BATCH.toString(), 31L, 10L, 12, 16L, false, 2);
        assertThat((byte[]) data.get(0)[7]).hasSize(24).startsWith(0, 0, 0, 1, 0, 2, 1, 44, 0, 0);
        assertThat(data.get(1)).startsWith(BATCH.toString(), 31L, 52L, 8, 16L, false, 1);
        assertThat((byte[]) data.get(1)[7]).containsExactly(0, 1, 2, 3, 0, 1, 2, 3);

        assertThat(ChunkRows.segments(StagedCompositions.of(batch, false), null).rowCount()).isZero();
        assertThat(StagedCompositions.of(batch, false).rows()).isSameAs(batch);
        long[] odd = x.clone();
        odd[5] = 3;
        CompositionBatch noLayout = new CompositionBatch(n, seq, odd, y, ordinal);
        assertThat(StagedCompositions.of(noLayout, true).segmentCount()).isZero();
        assertThat(ChunkRows.compositions(StagedCompositions.of(noLayout, true).rows(), KEY).rowCount()).isEqualTo(n);
    }

    /**
     * Coefficient rows are staged as tensor segments: a 3 x 5 tensor (layer 4) sent as its second row, then its
     * first, is one segment from element 0 with the chunk ordinals in element order; a row of another tensor makes a
     * second segment.
     */
    @Test
    void coefficientRowsAreStagedAsTensorSegmentsInElementOrder() {
        CoefficientBatch batch = new CoefficientBatch(11, new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 7},
                new long[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0}, new long[] {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0},
                new long[11], new int[] {5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 300});
        TensorGrids grids = new TensorGrids(12, java.util.Map.of(
                4, new io.hartonomous.storage.engine.segments.TensorGrid(5, 3, 15),
                7, new io.hartonomous.storage.engine.segments.TensorGrid(1, 1, 1)));
        ColumnarRows staged = ChunkRows.tensorSegments(StagedTensors.of(batch, grids), KEY);
        assertThat(names(staged)).containsExactly("BatchId", "JobId", "LayerIdx", "FirstIndex", "PositionCount",
                "SizeX", "SizeY", "OrdinalWidth", "Ordinals");
        List<Object[]> rows = drain(staged);
        assertThat(rows).hasSize(2);
        assertThat(java.util.Arrays.copyOf(rows.get(0), 8)).containsExactly(BATCH.toString(), 31L, 4, 0L, 10, 5L, 3L, 1);
        assertThat((byte[]) rows.get(0)[8]).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(java.util.Arrays.copyOfRange(rows.get(1), 2, 8)).containsExactly(7, 0L, 1, 1L, 1L, 2);
        assertThat((byte[]) rows.get(1)[8]).containsExactly(1, 44);
        assertThat(staged.getColumnType(3)).isEqualTo(Types.INTEGER);
        assertThat(staged.getColumnType(4)).isEqualTo(Types.BIGINT);
        assertThat(staged.getColumnType(9)).isEqualTo(Types.VARBINARY);
    }

    @Test
    void emptyBatchesHaveMetadataButNoRows() {
        ColumnarRows atoms = ChunkRows.atoms(List.of(), KEY);
        ColumnarRows comps = ChunkRows.compositions(CompositionBatch.EMPTY, null);
        ColumnarRows coeffs = ChunkRows.tensorSegments(StagedTensors.of(CoefficientBatch.EMPTY, null), KEY);
        for (ColumnarRows rows : List.of(atoms, comps, coeffs)) {
            assertThat(rows.rowCount()).isZero();
            assertThat(rows.getColumnCount()).isPositive();
            assertThat(rows.next()).isFalse();
            assertThatThrownBy(rows::getRowData).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void ordinalsOutsideTheColumnsAndReadsBeforeTheFirstRowAreRefused() {
        ColumnarRows rows = ChunkRows.atoms(List.of(NewAtom.of(RGBA8, new byte[4])), KEY);
        assertThatThrownBy(() -> rows.getColumnName(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside 1..7");
        assertThatThrownBy(() -> rows.getColumnType(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rows.getColumnMetaData(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(rows::getRowData).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call next() first");
        assertThatThrownBy(() -> new ColumnarRows(TableType.ATOM_CHUNK.columns(), List.of(r -> r), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tableValuedParameterMetadataCarriesSizes() {
        ColumnarRows rows = ChunkRows.atoms(List.of(), null);
        assertThat(rows.getColumnCount()).isEqualTo(5);
        SQLServerMetaData ordinal = rows.getColumnMetaData(1);
        assertThat(ordinal.getColumName()).isEqualTo("Ordinal");
        assertThat(ordinal.getSqlType()).isEqualTo(Types.INTEGER);
        SQLServerMetaData hash = rows.getColumnMetaData(2);
        assertThat(hash.getSqlType()).isEqualTo(Types.BINARY);
        assertThat(hash.getPrecision()).isEqualTo(32);
        assertThat(rows.getColumnMetaData(5).getPrecision()).isEqualTo(64);
    }

    @Test
    void modelLayersAndWeightUpdatesFillTheirTableTypes() {
        ColumnarRows layers = ChunkRows.layers(List.of(
                new ModelLayer(0, 0, "blk.0.attn_q.weight", List.of(4096L, 4096L), "Q4_K", "f32", 4096L * 4096)));
        assertThat(layers.columns()).isEqualTo(TableType.MODEL_LAYER.columns());
        assertThat(drain(layers).getFirst()).containsExactly(0, "blk.0.attn_q.weight", "[4096,4096]", "Q4_K", "f32",
                16_777_216L);

        NewAtom w = NewAtom.of(AtomType.of(Modality.MODEL, "f32"), new byte[] {0, 0, (byte) 0x80, 0x3f});
        ColumnarRows updates = ChunkRows.weightUpdates(List.of(new WeightUpdate(7, 8, 9, w)));
        assertThat(drain(updates).getFirst()).containsExactly(0, 9L, 8L, 7L, w.contentHash().bytes(), "model", "f32",
                w.value());
        assertThat(ContractRows.parseShape("[2, 3]")).containsExactly(2L, 3L);
        assertThat(ContractRows.parseShape("[]")).isEmpty();
        assertThat(ContractRows.shapeText(List.of())).isEqualTo("[]");
    }

    @Test
    void chunksWithRepeatedAtomsOrOrdinalsOutOfRangeCannotBeMade() {
        NewAtom a = NewAtom.of(RGBA8, new byte[] {1, 1, 1, 1});
        assertThatThrownBy(() -> new Chunk(0, List.of(a), new CompositionBatch(1, new long[] {0}, new long[] {0},
                new long[] {0}, new int[] {5}), null, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ordinal 5");
        assertThatThrownBy(() -> new Chunk(0, List.of(a), null, new CoefficientBatch(1, new int[] {0},
                new long[] {0}, new long[] {0}, new long[] {0}, new int[] {-1}), 0))
                .hasMessageContaining("ordinal -1");
        assertThatThrownBy(() -> new Chunk(0, List.of(a, a), null, null, 0)).hasMessageContaining("twice");
        assertThat(new Chunk(0, List.of(), null, null, 0).atoms()).isEmpty();
    }

    @Test
    void smallChunksTakeTableValuedParametersAndLargeOnesBulkCopy() {
        BulkChunkWriter writer = new BulkChunkWriter(new SqlServerSettings(3, 10, 60, 2, true));
        NewAtom a = NewAtom.of(RGBA8, new byte[] {2, 2, 2, 2});
        Chunk small = new Chunk(0, List.of(a), new CompositionBatch(2, new long[] {0, 1}, new long[] {0, 1},
                new long[] {0, 0}, new int[] {0, 0}), null, 0);
        Chunk large = new Chunk(0, List.of(a), new CompositionBatch(3, new long[] {0, 1, 2}, new long[] {0, 1, 2},
                new long[] {0, 0, 0}, new int[] {0, 0, 0}), null, 0);
        assertThat(writer.viaTableValuedParameters(small)).isTrue();
        assertThat(writer.viaTableValuedParameters(large)).isFalse();
        assertThat(new BulkChunkWriter(SqlServerSettings.DEFAULTS.alwaysBulkCopy()).viaTableValuedParameters(small))
                .isFalse();
        assertThat(new BulkChunkWriter(SqlServerSettings.DEFAULTS.alwaysTableValuedParameters())
                .viaTableValuedParameters(large)).isTrue();
    }

    @Test
    void bulkCopyRunsWithoutTableLockAndWithTheTunedBatchSize() throws Exception {
        var options = new BulkChunkWriter(SqlServerSettings.DEFAULTS).bulkOptions();
        assertThat(options.isTableLock()).as("TABLOCK would serialize jobs (sql/030)").isFalse();
        assertThat(options.getBatchSize()).isEqualTo(65_536);
        assertThat(options.isUseInternalTransaction()).isFalse();
        assertThat(options.getBulkCopyTimeout()).isEqualTo(600);
    }
}
