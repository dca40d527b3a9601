package io.hartonomous.storage.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpatialCellsTest {

    /** Points around a few well-separated centres (8 dimensions). */
    private static List<float[]> clustered(int perCluster, int clusters, long seed) {
        Random r = new Random(seed);
        List<float[]> points = new ArrayList<>();
        for (int i = 0; i < perCluster; i++) {
            for (int c = 0; c < clusters; c++) {
                float[] v = new float[8];
                for (int d = 0; d < v.length; d++) {
                    v[d] = (d == c % 8 ? 100f * (1 + c / 8) : 0f) + (float) r.nextGaussian();
                }
                points.add(v);
            }
        }
        return points;
    }

    @Test
    void landmarksAreDeterministicForTheSameRowsAndType() {
        List<float[]> sample = clustered(50, 6, 1);
        float[][] a = SpatialCells.train("t", sample, 6);
        float[][] b = SpatialCells.train("t", new ArrayList<>(sample), 6);
        assertThat(a).isDeepEqualTo(b);
        assertThat(a).hasNumberOfRows(6);
        assertThat(SpatialCells.seeded("t")).containsExactly(SpatialCells.seeded("t"));
        assertThat(SpatialCells.seeded("t")).hasSize(1998).isNotEqualTo(SpatialCells.seeded("u"));
    }

    /**
     * Every engine stores the same provisional landmark for a type, whatever process derives it: pinned to the
     * values of the seed (type name hash times the golden-ratio constant, SplittableRandom, uniform in [-1, 1)).
     */
    @Test
    void seededLandmarksArePinned() {
        float[] test16 = SpatialCells.seeded("test-16");
        assertThat(Float.floatToRawIntBits(test16[0])).isEqualTo(-1096938323);
        assertThat(Float.floatToRawIntBits(test16[1997])).isEqualTo(-1106920631);
        assertThat(Float.floatToRawIntBits(SpatialCells.seeded("builtin-image")[0])).isEqualTo(-1086976569);
        for (float v : SpatialCells.seeded("range")) {
            assertThat(v).isBetween(-1f, 1f);
        }
    }

    @Test
    void trainedLandmarksSeparateWellSeparatedClusters() {
        List<float[]> sample = clustered(40, 6, 2);
        float[][] landmarks = SpatialCells.train("clusters", sample, 6);
        // Every member of a cluster lands in one cell, and no two clusters share one.
        java.util.Map<Integer, java.util.Set<Integer>> cellsByCluster = new java.util.HashMap<>();
        for (int i = 0; i < sample.size(); i++) {
            cellsByCluster.computeIfAbsent(i % 6, k -> new java.util.HashSet<>())
                    .add(SpatialCells.project(landmarks, sample.get(i)).cell());
        }
        assertThat(cellsByCluster.values()).allSatisfy(cells -> assertThat(cells).hasSize(1));
        assertThat(cellsByCluster.values().stream().map(s -> s.iterator().next()).distinct()).hasSize(6);
    }

    @Test
    void pointIsNearestLandmarkAndDistanceWithZeroPadding() {
        float[][] landmarks = {{0, 0, 0}, {10, 0, 0}, {0, 10, 0}};
        SpatialCells.Point p = SpatialCells.project(landmarks, new float[] {9, 1});
        assertThat(p.cell()).isEqualTo(1);
        assertThat(p.x()).isEqualTo(1.0);
        assertThat(p.y()).isCloseTo(Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(SpatialCells.project(landmarks, new float[] {5, 0, 0}).cell()).as("a tie goes to the lower cell")
                .isZero();
        assertThat(SpatialCells.order(new double[] {3, 1, 2, 1})).containsExactly(1, 3, 2, 0);
    }

    @Test
    void cellCountGrowsAsFourTimesTheSquareRootAndIsBounded() {
        assertThat(SpatialCells.cellsFor(0)).isEqualTo(1);
        assertThat(SpatialCells.cellsFor(1)).isEqualTo(1);
        assertThat(SpatialCells.cellsFor(4)).isEqualTo(4);
        assertThat(SpatialCells.cellsFor(100)).isEqualTo(40);
        assertThat(SpatialCells.cellsFor(10_000)).isEqualTo(400);
        assertThat(SpatialCells.cellsFor(100_000)).isEqualTo(SpatialCells.MAX_CELLS);
        assertThat(SpatialCells.train("few", clustered(1, 3, 3), 10)).as("no more cells than rows").hasNumberOfRows(3);
        assertThatThrownBy(() -> SpatialCells.train("none", List.of(), 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
