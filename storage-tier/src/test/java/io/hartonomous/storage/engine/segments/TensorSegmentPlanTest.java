package io.hartonomous.storage.engine.segments;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.models.ModelLayer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tensor segments cut from real safetensors files of testdata, chunked as the ingest tier's model atomizer chunks
 * them (rows in tensor order, a chunk may span tensors, distinct values numbered per chunk): every element lands in
 * exactly one segment of its tensor, a segment never crosses a multiple of 4,096, each element's (x, y, z) follows
 * from the segment's grid, and every packed ordinal reads back the file's bytes.
 */
class TensorSegmentPlanTest {
    private static List<TensorGrid> grids(List<RealFiles.Tensor> tensors) {
        List<TensorGrid> out = new ArrayList<>();
        for (ModelLayer l : RealFiles.layers(tensors)) {
            out.add(TensorGrid.of(l.shape(), l.elementCount()));
        }
        return out;
    }

    /** Plans every chunk and checks it against the file; returns the number of segments. */
    private static int checkChunks(List<RealFiles.Tensor> tensors, int chunkRows) {
        List<TensorGrid> grids = grids(tensors);
        List<BitSet> seen = new ArrayList<>();
        tensors.forEach(t -> seen.add(new BitSet()));
        int segments = 0;
        for (Chunk chunk : RealFiles.modelChunks(tensors, chunkRows)) {
            CoefficientBatch rows = chunk.coefficients();
            TensorSegmentPlan plan = TensorSegmentPlan.of(rows, l -> l < grids.size() ? grids.get(l) : null, 7);
            int covered = 0;
            for (int s = 0; s < plan.segments(); s++) {
                int layer = plan.layer(s);
                TensorGrid grid = plan.grid(s);
                long first = plan.firstIndex(s);
                int n = plan.positions(s);
                assertThat(grid).isEqualTo(grids.get(layer));
                assertThat(n).isBetween(1, TensorSegmentPlan.BLOCK);
                assertThat(first / TensorSegmentPlan.BLOCK).as("inside one block")
                        .isEqualTo((first + n - 1) / TensorSegmentPlan.BLOCK);
                int width = plan.width(s, rows.atomOrdinal());
                byte[] packed = plan.pack(s, rows.atomOrdinal(), width);
                assertThat(packed).hasSize(n * width);
                int max = 0;
                List<String> wrong = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    int row = plan.row(s, k);
                    long element = first + k;
                    int ordinal = PackedOrdinals.ordinalAt(packed, width, k);
                    NewAtom atom = chunk.atoms().get(ordinal);
                    // Plain comparisons per element, one assertion per segment: 210,000 elements stay quick.
                    if (rows.layerIdx()[row] != layer || grid.x(element) != rows.positionX()[row]
                            || grid.y(element) != rows.positionY()[row] || grid.z(element) != rows.positionZ()[row]
                            || ordinal != rows.atomOrdinal()[row]
                            || !java.util.Arrays.equals(atom.value(), tensors.get(layer).element(element))
                            || seen.get(layer).get(Math.toIntExact(element))) {
                        wrong.add(tensors.get(layer).name() + "[" + element + "] from row " + row);
                    }
                    seen.get(layer).set(Math.toIntExact(element));
                    max = Math.max(max, ordinal);
                }
                assertThat(wrong).as("elements at the wrong place, with the wrong value or stored twice").isEmpty();
                assertThat(width).isEqualTo(PackedOrdinals.widthFor(max));
                covered += n;
            }
            assertThat(covered).as("every row of the chunk").isEqualTo(rows.size());
            segments += plan.segments();
        }
        for (int t = 0; t < tensors.size(); t++) {
            assertThat(seen.get(t).cardinality()).as(tensors.get(t).name()).isEqualTo(tensors.get(t).elements());
        }
        return segments;
    }

    /**
     * A 3 x 70,000 f32 tensor (210,000 elements) and a 10-element f16 one in 65,536-row chunks: the chunk boundaries
     * are multiples of 4,096, so the big tensor is 51 full blocks and a tail of 1,104, the small one one segment
     * (sharing the last chunk with the big one's tail).
     */
    @Test
    void aTwoTensorFileIsWholeBlocksAndTheirTails() throws IOException {
        List<RealFiles.Tensor> tensors = RealFiles.safetensors("models/safetensors/chunks.safetensors");
        assertThat(tensors).extracting(RealFiles.Tensor::name).containsExactly("big", "small");
        assertThat(tensors.getFirst().elements()).isEqualTo(210_000);
        assertThat(checkChunks(tensors, RealFiles.CHUNK)).isEqualTo(52 + 1);
    }

    /**
     * Every dtype, a four-dimensional tensor (z flattens the outer two), a scalar, an empty tensor, cut into chunks of
     * 100 rows: chunk boundaries fall inside tensors and blocks, where a run ends and the next chunk's begins.
     */
    @Test
    void chunkBoundariesInsideTensorsOnlyAddShortSegments() throws IOException {
        List<RealFiles.Tensor> tensors = RealFiles.safetensors("models/safetensors/types.safetensors");
        assertThat(tensors).extracting(RealFiles.Tensor::name).contains("t.f32", "t.scalar", "t.empty");
        RealFiles.Tensor fourD = tensors.stream().filter(t -> t.name().equals("t.f32")).findFirst().orElseThrow();
        assertThat(TensorGrid.of(fourD.shape(), fourD.elements())).isEqualTo(new TensorGrid(5, 4, 120));
        long tensorsWithElements = tensors.stream().filter(t -> t.elements() > 0).count();
        int whole = checkChunks(tensors, Integer.MAX_VALUE);
        assertThat(whole).as("one chunk: one segment per non-empty tensor (all shorter than a block)")
                .isEqualTo((int) tensorsWithElements);
        long total = tensors.stream().mapToLong(RealFiles.Tensor::elements).sum();
        // Every 100-row cut that falls inside a tensor splits one segment in two.
        long cutsInside = 0;
        long at = 0;
        for (RealFiles.Tensor t : tensors) {
            for (long c = (at / 100 + 1) * 100; c < at + t.elements(); c += 100) {
                cutsInside++;
            }
            at += t.elements();
        }
        assertThat(total).isGreaterThan(300);
        assertThat(checkChunks(tensors, 100)).isEqualTo((int) (tensorsWithElements + cutsInside));
    }

    @Test
    void rowsOutOfOrderAreSortedAndRowsOutsideTheirTensorOrRepeatedAreRefused() {
        TensorGrid grid = new TensorGrid(3, 2, 6);
        // A 2 x 3 tensor sent backwards: one segment, ordinals in element order.
        CoefficientBatch backwards = new CoefficientBatch(6, new int[6], new long[] {2, 1, 0, 2, 1, 0},
                new long[] {1, 1, 1, 0, 0, 0}, new long[6], new int[] {5, 4, 3, 2, 1, 0});
        TensorSegmentPlan plan = TensorSegmentPlan.of(backwards, l -> l == 0 ? grid : null, 1);
        assertThat(plan.segments()).isOne();
        assertThat(plan.firstIndex(0)).isZero();
        assertThat(plan.ordinals(0, backwards.atomOrdinal())).containsExactly(0, 1, 2, 3, 4, 5);

        CoefficientBatch outside = new CoefficientBatch(1, new int[1], new long[] {3}, new long[1], new long[1],
                new int[1]);
        assertThatThrownBy(() -> TensorSegmentPlan.of(outside, l -> grid, 1)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("lies outside tensor 0");
        CoefficientBatch beyond = new CoefficientBatch(1, new int[1], new long[1], new long[1], new long[] {1},
                new int[1]);
        assertThatThrownBy(() -> TensorSegmentPlan.of(beyond, l -> grid, 1)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> TensorSegmentPlan.of(outside, l -> null, 9)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("names tensor 0, which model 9 did not register");
        CoefficientBatch twice = new CoefficientBatch(3, new int[3], new long[] {0, 1, 1}, new long[3], new long[3],
                new int[3]);
        assertThatThrownBy(() -> TensorSegmentPlan.of(twice, l -> grid, 1)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("repeats a position");
    }
}
