package io.hartonomous.storage.engine.segments;

import io.hartonomous.storage.contract.ingest.CompositionBatch;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Layout inference, runs, extents and packing on real files from testdata, chunked as the ingest tier chunks them
 * (65,536 positions, distinct values numbered in order of first appearance per chunk): a photo is row-major with the
 * image width as stride, a six-channel recording column-major with the channel count; every packed ordinal reads
 * back, big-endian, at the fewest bytes that hold the segment's largest.
 */
class SegmentPlanTest {
    private static final int CHUNK = 65_536;

    private static Path testFile(String relative) {
        String override = System.getenv("HART_TESTDATA_CACHE");
        Path cache = override != null ? Path.of(override) : Path.of("..", "testdata", "cache");
        Path file = cache.resolve(relative).toAbsolutePath().normalize();
        assertThat(file).as("run testdata/fetch first").isRegularFile();
        return file;
    }

    /** Chunks of (sequence, x, y, first-appearance ordinal) over {@code keys} placed by {@code place}. */
    private interface Placement {
        long x(long s);

        long y(long s);
    }

    private static List<CompositionBatch> chunks(long[] keys, Placement place) {
        List<CompositionBatch> out = new ArrayList<>();
        for (int first = 0; first < keys.length; first += CHUNK) {
            int n = Math.min(CHUNK, keys.length - first);
            long[] seq = new long[n];
            long[] x = new long[n];
            long[] y = new long[n];
            int[] ordinal = new int[n];
            Map<Long, Integer> distinct = new HashMap<>();
            for (int i = 0; i < n; i++) {
                long s = first + i;
                seq[i] = s;
                x[i] = place.x(s);
                y[i] = place.y(s);
                ordinal[i] = distinct.computeIfAbsent(keys[first + i], k -> distinct.size());
            }
            out.add(new CompositionBatch(n, seq, x, y, ordinal));
        }
        return out;
    }

    private static long[] pixels(String relative) throws IOException {
        BufferedImage image = ImageIO.read(testFile(relative).toFile());
        long[] keys = new long[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                keys[y * image.getWidth() + x] = image.getRGB(x, y) & 0xFFFFFFFFL;
            }
        }
        return keys;
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
        long[] keys = pixels("images/snake.png");
        assertThat(keys).hasSize(600 * 450);
        List<CompositionBatch> chunks = chunks(keys, new Placement() {
            public long x(long s) {
                return s % 600;
            }

            public long y(long s) {
                return s / 600;
            }
        });
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
        byte[] wav = Files.readAllBytes(testFile("audio/derived/s16-6ch.wav"));
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int channels = 0;
        long[] keys = null;
        for (int p = 12; p + 8 <= wav.length; ) {
            String id = new String(wav, p, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = b.getInt(p + 4);
            if (id.equals("fmt ")) {
                channels = b.getShort(p + 10);
                assertThat(b.getShort(p + 22)).as("bits per sample").isEqualTo((short) 16);
            } else if (id.equals("data")) {
                keys = new long[size / 2];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = b.getShort(p + 8 + 2 * i) & 0xFFFF;
                }
            }
            p += 8 + size + (size & 1);
        }
        assertThat(channels).isEqualTo(6);
        assertThat(keys).isNotNull().hasSizeGreaterThan(CHUNK);
        int ch = channels;
        checkPlans(chunks(keys, new Placement() {
            public long x(long s) {
                return s / ch;
            }

            public long y(long s) {
                return s % ch;
            }
        }), new SegmentLayout(6, true));
        SegmentPlan first = SegmentPlan.of(chunks(keys, new Placement() {
            public long x(long s) {
                return s / ch;
            }

            public long y(long s) {
                return s % ch;
            }
        }).getFirst());
        assertThat(first.extent(0)).as("4,096 samples: frames 0-682, every channel")
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
