package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.engine.segments.PackedOrdinals;
import io.hartonomous.storage.engine.segments.RealFiles;
import io.hartonomous.storage.engine.segments.SegmentLayout;
import io.hartonomous.storage.engine.segments.StoredSegment;
import io.hartonomous.storage.engine.segments.TensorGrid;
import io.hartonomous.storage.engine.segments.TensorSegmentPlan;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine's decoding of dbo.sp_GetTensorWindow's result sets into a tensor's row-major bytes, without a server.
 * The stored form is what ingest leaves of a real safetensors file: its chunks cut into tensor segments as the engine
 * stages them, their chunk ordinals mapped to one dictionary for the model (numbered in chunk atom order, as
 * dbo.sp_WriteChunk numbers them) and repacked at the width each segment needs.
 */
class TensorWindowTest {
    private static final SegmentLayout ELEMENTS = new SegmentLayout(1, false);

    /** Layer 0 of the model: its segments and the model's dictionary values by ordinal. */
    private record Stored(List<StoredSegment> segments, List<byte[]> dictionary, byte[] expected) {
    }

    private static Stored stored() throws IOException {
        List<RealFiles.Tensor> tensors = RealFiles.safetensors("models/safetensors/chunks.safetensors");
        List<TensorGrid> grids = new ArrayList<>();
        RealFiles.layers(tensors).forEach(l -> grids.add(TensorGrid.of(l.shape(), l.elementCount())));
        Map<String, Integer> modelOrdinal = new LinkedHashMap<>();
        List<byte[]> dictionary = new ArrayList<>();
        List<StoredSegment> segments = new ArrayList<>();
        for (Chunk chunk : RealFiles.modelChunks(tensors, RealFiles.CHUNK)) {
            int[] byChunkOrdinal = new int[chunk.atoms().size()];
            for (int o = 0; o < byChunkOrdinal.length; o++) {
                NewAtom atom = chunk.atoms().get(o);
                byChunkOrdinal[o] = modelOrdinal.computeIfAbsent(atom.contentHash().toString(), k -> {
                    dictionary.add(atom.value());
                    return dictionary.size() - 1;
                });
            }
            TensorSegmentPlan plan = TensorSegmentPlan.of(chunk.coefficients(), grids::get, 1);
            int[] rowOrdinals = new int[chunk.coefficients().size()];
            for (int i = 0; i < rowOrdinals.length; i++) {
                rowOrdinals[i] = byChunkOrdinal[chunk.coefficients().atomOrdinal()[i]];
            }
            for (int s = 0; s < plan.segments(); s++) {
                if (plan.layer(s) == 0) {
                    int width = plan.width(s, rowOrdinals);
                    segments.add(new StoredSegment(plan.firstIndex(s), plan.positions(s), ELEMENTS, width,
                            plan.pack(s, rowOrdinals, width)));
                }
            }
        }
        return new Stored(segments, dictionary, tensors.getFirst().data());
    }

    /** The three result sets dbo.sp_GetTensorWindow returns for [from, from + limit). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>>[] window(Stored stored, long from, int limit) {
        long end = from + limit;
        List<Map<String, Object>> segments = new ArrayList<>();
        TreeSet<Integer> used = new TreeSet<>();
        Long next = null;
        for (StoredSegment s : stored.segments()) {
            if (s.firstSequence() >= from - from % 4096 && s.firstSequence() < end && s.end() > from) {
                segments.add(Map.of("FirstIndex", s.firstSequence(), "PositionCount", s.positionCount(),
                        "OrdinalWidth", s.ordinalWidth(), "Ordinals", s.ordinals()));
                for (long e = Math.max(from, s.firstSequence()); e < Math.min(end, s.end()); e++) {
                    used.add(s.ordinal(e));
                }
            } else if (s.firstSequence() >= end && next == null) {
                next = s.firstSequence();
            }
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int o : used) {
            entries.add(Map.of("Ordinal", o, "Subtype", "f32", "AtomicValue", stored.dictionary().get(o)));
        }
        Map<String, Object> nextRow = new HashMap<>();
        nextRow.put("NextIndex", next);
        return new List[] {segments, entries, List.of(nextRow)};
    }

    /**
     * A 3 x 70,000 f32 tensor of the file read through four windows of 65,536 elements, all on one connection in one
     * SNAPSHOT transaction (isolation restored, back in auto-commit), comes back bit for bit as the file stores it.
     */
    @Test
    void aRealTensorIsReadInWindowsOfOneSnapshotTransactionBitForBit() throws IOException {
        Stored stored = stored();
        assertThat(stored.segments()).hasSize(52);
        RecordingJdbc jdbc = new RecordingJdbc();
        for (long from = 0; from < 210_000; from += TensorWindow.ELEMENTS) {
            jdbc.thenResults(window(stored, from, TensorWindow.ELEMENTS));
        }
        Instant asOf = Instant.parse("2026-01-02T03:04:05.123456700Z");
        byte[] read = new SqlServerModelStore(new Session(jdbc.dataSource(), "acme", 3)).tensorBytes(9, 0, asOf);

        assertThat(read).hasSize(stored.expected().length);
        assertThat(Arrays.equals(read, stored.expected())).as("the file's bytes").isTrue();
        assertThat(jdbc.calls()).hasSize(4).allSatisfy(c -> {
            assertThat(c.sql).isEqualTo("EXEC dbo.sp_GetTensorWindow @ModelId = ?, @LayerIdx = ?, @FromIndex = ?, "
                    + "@Limit = ?, @AsOf = ?");
            assertThat(c.connection).isEqualTo(1);
        });
        assertThat(jdbc.calls()).extracting(c -> c.values().get(2)).containsExactly(0L, 65_536L, 131_072L, 196_608L);
        assertThat(jdbc.calls().getFirst().values()).containsExactly(9L, 0, 0L, TensorWindow.ELEMENTS,
                LocalDateTime.ofInstant(asOf, ZoneOffset.UTC));
        assertThat(jdbc.transactions).containsExactly("#1 isolation=" + TensorWindowTest.snapshot(),
                "#1 autoCommit=false", "#1 commit", "#1 autoCommit=true",
                "#1 isolation=" + Connection.TRANSACTION_READ_COMMITTED);
        assertThat(jdbc.connectionsClosed).isEqualTo(jdbc.connectionsOpened).isEqualTo(1);
    }

    private static int snapshot() {
        return com.microsoft.sqlserver.jdbc.SQLServerConnection.TRANSACTION_SNAPSHOT;
    }

    /** A window of now (AsOf NULL) that names the next stored element past a gap continues there. */
    @Test
    void aGapIsSkippedInOneStep() {
        byte[] packed = PackedOrdinals.pack(new int[] {1, 0, 1}, 0, 3, 1);
        Map<String, Object> far = new HashMap<>();
        far.put("NextIndex", 200_000L);
        Map<String, Object> none = new HashMap<>();
        none.put("NextIndex", null);
        RecordingJdbc jdbc = new RecordingJdbc()
                .thenResults(List.of(Map.of("FirstIndex", 4L, "PositionCount", 3, "OrdinalWidth", 1, "Ordinals",
                                packed)),
                        List.of(entry(0, 10), entry(1, 11)), List.of(far))
                .thenResults(List.of(Map.of("FirstIndex", 200_704L, "PositionCount", 1, "OrdinalWidth", 1,
                                "Ordinals", new byte[] {0})),
                        List.of(entry(0, 10)), List.of(none));
        byte[] read = new SqlServerModelStore(new Session(jdbc.dataSource(), "acme", 3)).tensorBytes(9, 2, null);
        assertThat(read).containsExactly(11, 0, 0, 0, 10, 0, 0, 0, 11, 0, 0, 0, 10, 0, 0, 0);
        assertThat(jdbc.calls()).extracting(c -> c.values().get(2)).containsExactly(0L, 200_000L);
        assertThat(jdbc.calls().getFirst().values().get(4)).isEqualTo(new RecordingJdbc.Null(Types.TIMESTAMP));
    }

    private static Map<String, Object> entry(int ordinal, int value) {
        return Map.of("Ordinal", ordinal, "Subtype", "f32", "AtomicValue",
                ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    /**
     * A window that starts and ends inside segments decodes only its part; sparse ordinals (a large dictionary of
     * which the window uses few) are looked up by binary search; an ordinal the dictionary lacks is an error.
     */
    @Test
    void partsOfSegmentsSparseOrdinalsAndMissingOnes() {
        int big = 5_000_000;
        byte[] packed = PackedOrdinals.pack(new int[] {big, 7, big, 7, big}, 0, 5, 3);
        StoredSegment s = new StoredSegment(4096, 5, ELEMENTS, 3, packed);
        TensorWindow w = new TensorWindow(List.of(s), new int[] {7, big}, new byte[][] {{7}, {9, 9}}, 4097, 4100,
                null);
        assertThat(w.bytes()).containsExactly(7, 9, 9, 7);
        TensorWindow missing = new TensorWindow(List.of(s), new int[] {7}, new byte[][] {{7}}, 4096, 4101, null);
        assertThatThrownBy(missing::bytes).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ordinal " + big);
        assertThat(HexFormat.of().formatHex(new TensorWindow(List.of(), new int[0], new byte[0][], 0, 10, null)
                .bytes())).isEmpty();
    }
}
