package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.engine.segments.PackedOrdinals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a chunk's coefficient rows as tensor segments plus the model's dictionary, inside the chunk's transaction:
 * one segment row per run of consecutive elements of one tensor inside one aligned block of
 * {@link TensorSegmentStore#BLOCK}, instead of a row (and index entries) per weight. Chunks of one model are
 * serialised by the job lock, so assigning dictionary ordinals needs no further locking.
 */
final class TensorSegmentWriter {
    private final Connection c;
    private final TensorSegmentStore store;

    TensorSegmentWriter(Connection c, long modelId) {
        this.c = c;
        this.store = new TensorSegmentStore(c, modelId);
    }

    /** The dictionary step of a write: each chunk ordinal's model ordinal, given the rows' occurrences of each. */
    @FunctionalInterface
    private interface Ordinals {
        int[] of(long[] occurrences) throws SQLException;
    }

    /**
     * Writes the rows with every dictionary entry exact at once.
     *
     * @param atomIds the chunk's atom ids by chunk ordinal
     */
    void write(CoefficientBatch rows, long[] atomIds) throws SQLException {
        write(rows, atomIds, occurrences -> SegmentDictionary.tensor(c, store.modelId()).add(atomIds, occurrences));
    }

    /**
     * Writes a running job's chunk, giving dictionary entries only to atoms new to the model
     * ({@link SegmentDictionary#firstAppearances}); the result says which the model held already. References beyond
     * those of atoms the chunk created wait for the job's completion ({@link OccurrenceSettlement}).
     *
     * @param knownOrdinal per chunk ordinal, the model's ordinal of that atom when the caller knows it, else -1
     * @param created      per chunk ordinal, whether the chunk inserted that atom
     */
    SegmentDictionary.Entries writeRunning(CoefficientBatch rows, long[] atomIds, int[] knownOrdinal,
                                           boolean[] created) throws SQLException {
        SegmentDictionary.Entries[] entries = new SegmentDictionary.Entries[1];
        write(rows, atomIds, occurrences -> {
            entries[0] = SegmentDictionary.tensor(c, store.modelId())
                    .firstAppearances(atomIds, occurrences, knownOrdinal, created);
            return entries[0].ordinal();
        });
        return entries[0];
    }

    private void write(CoefficientBatch rows, long[] atomIds, Ordinals dictionary) throws SQLException {
        int n = rows.size();
        if (n == 0) {
            return;
        }
        Map<Integer, TensorGrid> grids = store.grids();
        long[] index = new long[n];
        for (int i = 0; i < n; i++) {
            TensorGrid grid = grids.get(rows.layerIdx()[i]);
            if (grid == null) {
                throw new ConflictException("a coefficient row names tensor " + rows.layerIdx()[i]
                        + ", which model " + store.modelId() + " did not register");
            }
            index[i] = grid.index(rows.positionX()[i], rows.positionY()[i], rows.positionZ()[i]);
            if (index[i] < 0) {
                throw new ConflictException("a coefficient row at (" + rows.positionX()[i] + ", "
                        + rows.positionY()[i] + ", " + rows.positionZ()[i] + ") lies outside tensor "
                        + rows.layerIdx()[i] + " (" + grid.elements() + " elements, innermost extents "
                        + grid.sizeX() + " x " + grid.sizeY() + ")");
            }
        }
        int[] order = elementOrder(rows.layerIdx(), index, n);
        long[] occurrences = new long[atomIds.length];
        for (int i = 0; i < n; i++) {
            occurrences[rows.atomOrdinal()[i]]++;
        }
        int[] modelOrdinal = dictionary.of(occurrences);
        Instant now = Rows.micros(Instant.now());
        List<TensorSegmentStore.Segment> segments = new ArrayList<>();
        int[] ordinals = new int[Math.min(n, TensorSegmentStore.BLOCK)];
        for (int a = 0; a < n; ) {
            int layer = rows.layerIdx()[order[a]];
            long first = index[order[a]];
            int b = a + 1;
            while (b < n && rows.layerIdx()[order[b]] == layer && index[order[b]] <= index[order[b - 1]] + 1
                    && index[order[b]] % TensorSegmentStore.BLOCK != 0) {
                if (index[order[b]] == index[order[b - 1]]) {
                    throw repeated();
                }
                b++;
            }
            if (b < n && rows.layerIdx()[order[b]] == layer && index[order[b]] == index[order[b - 1]]) {
                throw repeated();
            }
            int max = 0;
            for (int k = a; k < b; k++) {
                ordinals[k - a] = modelOrdinal[rows.atomOrdinal()[order[k]]];
                max = Math.max(max, ordinals[k - a]);
            }
            int width = PackedOrdinals.widthFor(max);
            TensorGrid grid = grids.get(layer);
            segments.add(new TensorSegmentStore.Segment(layer, first, b - a, grid.sizeX(), grid.sizeY(), width,
                    PackedOrdinals.pack(ordinals, 0, b - a, width), now));
            a = b;
        }
        requireNoOverlap(segments);
        try {
            store.insert(segments);
        } catch (SQLException e) {
            if (H2Errors.isUniqueViolation(e)) {
                throw repeated();
            }
            throw e;
        }
    }

    /** Row numbers in (tensor, element) order: the atomizer sends them so, anything else is sorted. */
    private static int[] elementOrder(int[] layer, long[] index, int n) {
        int[] order = new int[n];
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (i > 0 && (layer[i] < layer[i - 1] || layer[i] == layer[i - 1] && index[i] < index[i - 1])) {
                sorted = false;
            }
        }
        if (sorted) {
            return order;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (p, q) -> layer[p] != layer[q] ? Integer.compare(layer[p], layer[q])
                : Long.compare(index[p], index[q]));
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    /** A weight may be stored once: no stored segment of the same block may reach into a new run. */
    private void requireNoOverlap(List<TensorSegmentStore.Segment> segments) throws SQLException {
        int n = segments.size();
        Integer[] layer = new Integer[n];
        Long[] first = new Long[n];
        Long[] last = new Long[n];
        for (int i = 0; i < n; i++) {
            TensorSegmentStore.Segment s = segments.get(i);
            layer[i] = s.layer();
            first[i] = s.first();
            last[i] = s.end() - 1;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM TABLE(L INT = ?, F BIGINT = ?, E BIGINT = ?) r "
                + "JOIN TensorSegments s ON s.ModelId = ? AND s.LayerIdx = r.L "
                + "AND s.FirstIndex >= r.F - MOD(r.F, " + TensorSegmentStore.BLOCK + ") AND s.FirstIndex <= r.E "
                + "WHERE s.FirstIndex + s.PositionCount > r.F LIMIT 1")) {
            ps.setObject(1, layer);
            ps.setObject(2, first);
            ps.setObject(3, last);
            ps.setLong(4, store.modelId());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw repeated();
                }
            }
        }
    }

    private static ConflictException repeated() {
        return new ConflictException("a coefficient row repeats a position that is already stored");
    }
}
