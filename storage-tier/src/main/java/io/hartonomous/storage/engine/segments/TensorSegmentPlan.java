package io.hartonomous.storage.engine.segments;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A chunk's coefficient rows as tensor segments (docs/decisions.md, "Tensors in segments"): each row's element index
 * follows from its tensor's grid, and the rows in (tensor, element) order are cut into runs of consecutive elements of
 * one tensor that never cross a multiple of {@link #BLOCK}, one segment row each. What a segment stores per element
 * (a dictionary ordinal) is the writer's: it passes one ordinal per row of the batch to {@link #pack}.
 */
public final class TensorSegmentPlan {
    /** Elements per aligned block: a segment lies inside one, so the one holding element i starts in [i - i % BLOCK, i]. */
    public static final int BLOCK = PackedOrdinals.MAX_POSITIONS;

    private final int[] order;
    private final long[] index;
    private final int segments;
    private final int[] start;
    private final int[] count;
    private final int[] layer;
    private final TensorGrid[] grid;

    private TensorSegmentPlan(int[] order, long[] index, int segments, int[] start, int[] count, int[] layer,
                              TensorGrid[] grid) {
        this.order = order;
        this.index = index;
        this.segments = segments;
        this.start = start;
        this.count = count;
        this.layer = layer;
        this.grid = grid;
    }

    /**
     * The plan of a batch of model {@code modelId} whose tensors' grids {@code grids} gives (null: a tensor the model
     * did not register). A row outside its tensor, in a tensor the model lacks, or repeating another row's element is
     * refused as a conflict, as the row table's key refused a repeated position.
     */
    public static TensorSegmentPlan of(CoefficientBatch rows, IntFunction<TensorGrid> grids, long modelId) {
        int n = rows.size();
        long[] index = new long[n];
        TensorGrid[] gridOf = new TensorGrid[n];
        for (int i = 0; i < n; i++) {
            int l = rows.layerIdx()[i];
            TensorGrid g = grids.apply(l);
            if (g == null) {
                throw new ConflictException("a coefficient row names tensor " + l + ", which model " + modelId
                        + " did not register");
            }
            index[i] = g.index(rows.positionX()[i], rows.positionY()[i], rows.positionZ()[i]);
            if (index[i] < 0) {
                throw new ConflictException("a coefficient row at (" + rows.positionX()[i] + ", "
                        + rows.positionY()[i] + ", " + rows.positionZ()[i] + ") lies outside tensor " + l + " ("
                        + g.elements() + " elements, innermost extents " + g.sizeX() + " x " + g.sizeY() + ")");
            }
            gridOf[i] = g;
        }
        int[] order = elementOrder(rows.layerIdx(), index, n);
        int[] start = new int[n];
        int[] count = new int[n];
        int[] layers = new int[n];
        TensorGrid[] grid = new TensorGrid[n];
        int segments = 0;
        for (int a = 0; a < n; ) {
            int l = rows.layerIdx()[order[a]];
            int b = a + 1;
            while (b < n && rows.layerIdx()[order[b]] == l && index[order[b]] == index[order[b - 1]] + 1
                    && index[order[b]] % BLOCK != 0) {
                b++;
            }
            if (b < n && rows.layerIdx()[order[b]] == l && index[order[b]] == index[order[b - 1]]) {
                throw new ConflictException("a coefficient row repeats a position that is already stored");
            }
            start[segments] = a;
            count[segments] = b - a;
            layers[segments] = l;
            grid[segments++] = gridOf[order[a]];
            a = b;
        }
        return new TensorSegmentPlan(order, index, segments, Arrays.copyOf(start, segments),
                Arrays.copyOf(count, segments), Arrays.copyOf(layers, segments), Arrays.copyOf(grid, segments));
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
        if (!sorted) {
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = i;
            }
            Arrays.sort(boxed, (p, q) -> layer[p] != layer[q] ? Integer.compare(layer[p], layer[q])
                    : Long.compare(index[p], index[q]));
            for (int i = 0; i < n; i++) {
                order[i] = boxed[i];
            }
        }
        return order;
    }

    public int segments() {
        return segments;
    }

    public int layer(int s) {
        return layer[s];
    }

    public TensorGrid grid(int s) {
        return grid[s];
    }

    /** The element index of segment {@code s}'s first element. */
    public long firstIndex(int s) {
        return index[order[start[s]]];
    }

    public int positions(int s) {
        return count[s];
    }

    /** The batch row of segment {@code s}'s element {@code k}. */
    public int row(int s, int k) {
        return order[start[s] + k];
    }

    /** Segment {@code s}'s ordinals in element order, {@code byRow[row]} for each of its rows. */
    public int[] ordinals(int s, int[] byRow) {
        int[] out = new int[count[s]];
        for (int k = 0; k < out.length; k++) {
            out[k] = byRow[order[start[s] + k]];
        }
        return out;
    }

    /** The fewest bytes per element that hold segment {@code s}'s ordinals. */
    public int width(int s, int[] byRow) {
        return PackedOrdinals.widthOf(ordinals(s, byRow), 0, count[s]);
    }

    /** Segment {@code s}'s packed column, {@code width} bytes per element. */
    public byte[] pack(int s, int[] byRow, int width) {
        return PackedOrdinals.pack(ordinals(s, byRow), 0, count[s], width);
    }
}
