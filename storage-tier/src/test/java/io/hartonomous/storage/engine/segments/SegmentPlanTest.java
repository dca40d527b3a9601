package io.hartonomous.storage.engine.segments;

import io.hartonomous.storage.contract.ingest.CompositionBatch;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Layout inference, runs, extents and packing on real files from testdata, chunked as the ingest tier chunks them
 * (65,536 positions, distinct values numbered in order of first appearance per chunk): a photo is row-major with the
 * image width as stride, a six-channel recording column-major with the channel count; every packed ordinal reads
 * back, big-endian, at the fewest bytes that hold the segment's largest.
 */
class SegmentPlanTest {
    private static final int CHUNK = RealFiles.CHUNK;

    private static List<CompositionBatch> rows(List<RealFiles.Cut> cuts) {
        return cuts.stream().map(RealFiles.Cut::rows).toList();
    }

    /** Every check a writer relies on, for each chunk: runs cover the rows in order, extents and packing hold. */
    private static int checkPlans(List<CompositionBatch> chunks, SegmentLayout expected) {
        int segments = 0;
        for (CompositionBatch rows : chunks) {
            SegmentPlan plan = SegmentPlan.of(rows);
            assertThat(plan).isNotNull();
            assertThat(plan.layout()).isEqualTo(expected);
            assertThat(plan.overlapsItself()).isFalse();
            int covered = 0;
            for (int s = 0; s < plan.segments(); s++) {
                assertThat(plan.firstRow(s)).isEqualTo(covered);
                assertThat(plan.positions(s)).isBetween(1, PackedOrdinals.MAX_POSITIONS);
                long minX = Long.MAX_VALUE, maxX = Long.MIN_VALUE, minY = Long.MAX_VALUE, maxY = Long.MIN_VALUE;
                int max = 0;
                for (int i = covered; i < covered + plan.positions(s); i++) {
                    assertThat(rows.sequenceIndex()[i]).isEqualTo(plan.firstSequence(s) + i - covered);
                    minX = Math.min(minX, rows.positionX()[i]);
                    maxX = Math.max(maxX, rows.positionX()[i]);
                    minY = Math.min(minY, rows.positionY()[i]);
                    maxY = Math.max(maxY, rows.positionY()[i]);
                    max = Math.max(max, rows.atomOrdinal()[i]);
                }
                assertThat(plan.extent(s)).isEqualTo(new SegmentLayout.Extent(minX, maxX, minY, maxY));
                int width = plan.width(s, rows.atomOrdinal());
                assertThat(width).isEqualTo(PackedOrdinals.widthFor(max));
                byte[] packed = plan.pack(s, rows.atomOrdinal(), width);
                assertThat(packed).hasSize(plan.positions(s) * width);
                StoredSegment stored = new StoredSegment(plan.firstSequence(s), plan.positions(s), plan.layout(),
                        width, packed);
                for (int i = covered; i < covered + plan.positions(s); i++) {
                    long seq = rows.sequenceIndex()[i];
                    assertThat(stored.ordinal(seq)).isEqualTo(rows.atomOrdinal()[i]);
                    assertThat(stored.layout().x(seq)).isEqualTo(rows.positionX()[i]);
                    assertThat(stored.layout().y(seq)).isEqualTo(rows.positionY()[i]);
                }
                covered += plan.positions(s);
                segments++;
            }
            assertThat(covered).isEqualTo(rows.size());
        }
        return segments;
    }

    @Test
    void aPhotoIsRowMajorWithTheImageWidthAsStride() throws IOException {
        RealFiles.Image image = RealFiles.image("images/snake.png");
        assertThat(image.pixels()).hasSize(600 * 450);
        List<CompositionBatch> chunks = rows(RealFiles.cut(image.pixels(), image::x, image::y));
        int segments = checkPlans(chunks, new SegmentLayout(600, false));
        assertThat(segments).as("270,000 positions in runs of 4,096, cut at chunk ends")
                .isEqualTo(4 * 16 + (270_000 - 4 * CHUNK + 4095) / 4096);
        // A run of 4,096 holds at most 4,096 distinct values: two bytes at most, one where the colours are few.
        SegmentPlan first = SegmentPlan.of(chunks.getFirst());
        assertThat(first.width(0, chunks.getFirst().atomOrdinal())).isBetween(1, 2);
        assertThat(first.extent(0)).as("4,096 pixels of 600-wide lines: lines 0-6, all columns")
                .isEqualTo(new SegmentLayout.Extent(0, 599, 0, 6));
    }

    @Test
    void aSixChannelRecordingIsColumnMajorWithTheChannelCountAsStride() throws IOException {
        RealFiles.Samples wav = RealFiles.wav16("audio/derived/s16-6ch.wav");
        assertThat(wav.channels()).isEqualTo(6);
        assertThat(wav.samples()).hasSizeGreaterThan(CHUNK);
        List<CompositionBatch> chunks = rows(RealFiles.cut(wav.samples(), s -> s / 6, s -> s % 6));
        checkPlans(chunks, new SegmentLayout(6, true));
        assertThat(SegmentPlan.of(chunks.getFirst()).extent(0)).as("4,096 samples: frames 0-682, every channel")
                .isEqualTo(new SegmentLayout.Extent(0, 682, 0, 5));
    }

    @Test
    void rowsThatFollowNoLayoutOrRepeatAPositionAreRecognised() {
        // A pixel off the stride the others give (15), a negative index, and a chunk that places sequence 2 twice.
        CompositionBatch shifted = new CompositionBatch(4, new long[] {0, 1, 17, 33}, new long[] {0, 1, 2, 4},
                new long[] {0, 0, 1, 2}, new int[] {0, 0, 0, 0});
        assertThat(SegmentLayout.of(shifted)).isNull();
        assertThat(SegmentPlan.of(shifted)).isNull();
        assertThat(SegmentPlan.of(new CompositionBatch(1, new long[] {-1}, new long[] {0}, new long[] {0},
                new int[] {0}))).isNull();
        assertThat(SegmentPlan.of(CompositionBatch.EMPTY)).isNull();
        CompositionBatch repeated = new CompositionBatch(4, new long[] {1, 2, 2, 3}, new long[] {1, 2, 2, 3},
                new long[] {0, 0, 0, 0}, new int[] {0, 1, 1, 0});
        SegmentPlan plan = SegmentPlan.of(repeated);
        assertThat(plan.segments()).isEqualTo(2);
        assertThat(plan.overlapsItself()).isTrue();
        // Every row on line 0: any stride past the largest sequence index describes it.
        assertThat(SegmentLayout.of(new CompositionBatch(2, new long[] {3, 4}, new long[] {3, 4}, new long[] {0, 0},
                new int[] {0, 0}))).isEqualTo(new SegmentLayout(5, false));
    }

    @Test
    void ordinalsArePackedBigEndianAtTheFewestBytes() {
        assertThat(PackedOrdinals.widthFor(255)).isEqualTo(1);
        assertThat(PackedOrdinals.widthFor(256)).isEqualTo(2);
        assertThat(PackedOrdinals.widthFor(65_535)).isEqualTo(2);
        assertThat(PackedOrdinals.widthFor(65_536)).isEqualTo(3);
        assertThat(PackedOrdinals.widthFor((1 << 24) - 1)).isEqualTo(3);
        assertThat(PackedOrdinals.widthFor(1 << 24)).isEqualTo(4);
        int[] ordinals = {7, 0x0102, 0x030405};
        assertThat(PackedOrdinals.pack(ordinals, 0, 3, 3)).containsExactly(0, 0, 7, 0, 1, 2, 3, 4, 5);
        assertThat(PackedOrdinals.pack(ordinals, 1, 1, 2)).containsExactly(1, 2);
        assertThat(PackedOrdinals.ordinalAt(new byte[] {(byte) 0xFF, 0, 0, 1}, 4, 0)).isEqualTo(0xFF000001);
        assertThatThrownBy(() -> PackedOrdinals.pack(ordinals, 0, 3, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit 2 bytes");
        assertThatThrownBy(() -> PackedOrdinals.widthFor(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoredSegment(0, 2, new SegmentLayout(1, false), 2, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
