package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Both twins against a definition written out here (big-endian, unsigned), on random and edge ordinals. */
class OrdinalKernelsTest {
    private static final OrdinalKernels.Implementation VECTOR = new VectorOrdinalKernels();
    private static final OrdinalKernels.Implementation SCALAR = new ScalarOrdinalKernels();
    private static final OrdinalKernels.Implementation[] BOTH = {VECTOR, SCALAR};

    /** Random ordinals that fit {@code width} bytes, salted with 0, 1 and the largest that fits. */
    private static int[] ordinals(Random rnd, int n, int width) {
        int max = width == 4 ? Integer.MAX_VALUE : (1 << 8 * width) - 1;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = switch (rnd.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> max;
                case 3 -> max - 1;
                default -> rnd.nextInt(max) + (rnd.nextBoolean() ? 1 : 0);
            };
        }
        return a;
    }

    /** The definition: ordinal i occupies bytes {@code [i * width, (i + 1) * width)}, most significant first. */
    private static byte[] definition(int[] a, int from, int count, int width) {
        byte[] out = new byte[count * width];
        for (int i = 0; i < count; i++) {
            long v = a[from + i];
            for (int k = 0; k < width; k++) {
                out[i * width + k] = (byte) (v >>> 8 * (width - 1 - k));
            }
        }
        return out;
    }

    @Test
    void packMatchesTheDefinitionAndLeavesTheBytesAroundAlone() {
        Random rnd = new Random(12);
        for (int width = 1; width <= 4; width++) {
            for (int n : TestData.LENGTHS) {
                for (int off : TestData.OFFSETS) {
                    int[] a = ordinals(rnd, n + off, width);
                    byte[] expected = definition(a, off, n, width);
                    for (OrdinalKernels.Implementation impl : BOTH) {
                        byte[] out = new byte[3 + n * width + 5];
                        Arrays.fill(out, (byte) 0x5A);
                        impl.pack(a, off, n, width, out, 3);
                        assertThat(Arrays.copyOfRange(out, 3, 3 + n * width))
                                .as("%s width %d n %d off %d", impl.getClass().getSimpleName(), width, n, off)
                                .isEqualTo(expected);
                        for (int b : new int[] {0, 1, 2, 3 + n * width, out.length - 1}) {
                            assertThat(out[b]).as("byte %d outside the column", b).isEqualTo((byte) 0x5A);
                        }
                    }
                }
            }
        }
    }

    @Test
    void unpackMatchesTheDefinitionAtEveryOffset() {
        Random rnd = new Random(13);
        for (int width = 1; width <= 4; width++) {
            for (int n : TestData.LENGTHS) {
                for (int off : TestData.OFFSETS) {
                    int[] a = ordinals(rnd, off + n + 2, width);
                    // the column ends exactly where the array does, so the vector loads meet the array's end
                    byte[] packed = definition(a, 0, a.length, width);
                    for (OrdinalKernels.Implementation impl : BOTH) {
                        int[] out = new int[n + 4];
                        Arrays.fill(out, -7);
                        impl.unpack(packed, width, off, n, out, 2);
                        assertThat(Arrays.copyOfRange(out, 2, 2 + n))
                                .as("%s width %d n %d off %d", impl.getClass().getSimpleName(), width, n, off)
                                .isEqualTo(Arrays.copyOfRange(a, off, off + n));
                        assertThat(new int[] {out[0], out[1], out[n + 2], out[n + 3]}).containsOnly(-7);
                    }
                }
            }
        }
    }

    @Test
    void unpackOfAnyBytesAgreesBetweenTwins() {
        Random rnd = new Random(14);
        for (int width = 1; width <= 4; width++) {
            byte[] packed = TestData.bytes(rnd, 4099 * width);
            int[] simd = new int[4099];
            int[] scalar = new int[4099];
            VECTOR.unpack(packed, width, 0, 4099, simd, 0);
            SCALAR.unpack(packed, width, 0, 4099, scalar, 0);
            assertThat(simd).as("width %d", width).isEqualTo(scalar);
            if (width < 4) {
                assertThat(Arrays.stream(simd).max().orElseThrow()).isLessThan(1 << 8 * width);
            }
            assertThat(Arrays.stream(simd).min().orElseThrow()).isGreaterThanOrEqualTo(width == 4 ? Integer.MIN_VALUE
                    : 0);
        }
    }

    @Test
    void packNamesTheOrdinalThatDoesNotFit() {
        for (OrdinalKernels.Implementation impl : BOTH) {
            for (int width = 1; width <= 4; width++) {
                int[] a = new int[100];
                int bad = width == 4 ? -1 : 1 << 8 * width;
                a[37] = bad;
                int w = width;
                assertThatThrownBy(() -> impl.pack(a, 0, 100, w, new byte[100 * w], 0))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("ordinal " + bad + " at 37");
                a[37] = 0;
                a[99] = -5;
                assertThatThrownBy(() -> impl.pack(a, 0, 100, w, new byte[100 * w], 0))
                        .hasMessageContaining("ordinal -5 at 99");
            }
        }
    }

    @Test
    void badArgumentsAreRefusedByBoth() {
        for (OrdinalKernels.Implementation impl : BOTH) {
            assertThatThrownBy(() -> impl.unpack(new byte[8], 5, 0, 1, new int[1], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-4 bytes");
            assertThatThrownBy(() -> impl.unpack(new byte[8], 3, 2, 1, new int[1], 0))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> impl.pack(new int[4], 0, 4, 2, new byte[7], 0))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
