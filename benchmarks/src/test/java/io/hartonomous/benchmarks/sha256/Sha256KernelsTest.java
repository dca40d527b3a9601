package io.hartonomous.benchmarks.sha256;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Multi-buffer SHA-256 vs the JDK's MessageDigest, every header length and value width, tails and offsets. */
class Sha256KernelsTest {
    private final Random rnd = new Random(13);

    @Test
    void knownContentHash() throws Exception {
        // image/rgba8 pixel R=1,G=2,B=3,A=4: SHA-256("image/rgba8" 0x00 01 02 03 04)
        byte[] header = "image/rgba8\0".getBytes(StandardCharsets.UTF_8);
        int[] key = new int[20];
        java.util.Arrays.fill(key, 0x04030201);
        byte[] out = new byte[32 * 20];
        Sha256Kernels.hashInts(header, 4, key, 0, 20, out, 0);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(
                new byte[] {'i', 'm', 'a', 'g', 'e', '/', 'r', 'g', 'b', 'a', '8', 0, 1, 2, 3, 4});
        for (int i = 0; i < 20; i++) {
            assertThat(java.util.Arrays.copyOfRange(out, 32 * i, 32 * i + 32)).isEqualTo(expected);
        }
        assertThat(HexFormat.of().formatHex(expected)).hasSize(64);
    }

    @Test
    void everyHeaderLengthAndWidth() {
        for (int vb = 1; vb <= 8; vb++) {
            for (int h = 0; h + vb <= Sha256Kernels.MAX_MESSAGE_BYTES; h += (h < 20 ? 1 : 7)) {
                byte[] header = new byte[h];
                rnd.nextBytes(header);
                int n = 37;
                byte[] a = new byte[32 * n + 5];
                byte[] b = new byte[32 * n + 5];
                if (vb <= 4) {
                    int[] values = ints(n + 2);
                    Sha256Kernels.hashInts(header, vb, values, 2, n, a, 5);
                    ScalarSha256Kernels.hashInts(header, vb, values, 2, n, b, 5);
                } else {
                    long[] values = new long[n + 1];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = rnd.nextLong();
                    }
                    Sha256Kernels.hashLongs(header, vb, values, 1, n, a, 5);
                    ScalarSha256Kernels.hashLongs(header, vb, values, 1, n, b, 5);
                }
                assertThat(a).as("valueBytes=%d header=%d", vb, h).isEqualTo(b);
            }
        }
    }

    @Test
    void lengthsAroundTheLaneCount() {
        byte[] header = "audio/pcm16\0".getBytes(StandardCharsets.UTF_8);
        for (int n : LENGTHS) {
            int[] values = ints(n);
            byte[] a = new byte[32 * n];
            byte[] b = new byte[32 * n];
            Sha256Kernels.hashInts(header, 2, values, 0, n, a, 0);
            ScalarSha256Kernels.hashInts(header, 2, values, 0, n, b, 0);
            assertThat(a).as("n=%d", n).isEqualTo(b);
            long[] longs = new long[n];
            for (int i = 0; i < n; i++) {
                longs[i] = (long) values[i] << 32 ^ rnd.nextInt();
            }
            Sha256Kernels.hashLongs(header, 8, longs, 0, n, a, 0);
            ScalarSha256Kernels.hashLongs(header, 8, longs, 0, n, b, 0);
            assertThat(a).as("longs n=%d", n).isEqualTo(b);
        }
    }

    @Test
    void rejectsWhatDoesNotFitOneBlock() {
        assertThatThrownBy(() -> Sha256Kernels.hashInts(new byte[52], 4, new int[1], 0, 1, new byte[32], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sha256Kernels.hashInts(new byte[2], 5, new int[1], 0, 1, new byte[32], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sha256Kernels.hashInts(new byte[2], 4, new int[2], 0, 2, new byte[63], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Lengths around the 8 and 16 lane counts, odd sizes and empty. */
    private static final int[] LENGTHS = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 255, 1000, 4099};

    /** Random ints salted with 0, -1 and the extremes. */
    private int[] ints(int n) {
        int[] a = rnd.ints(n).toArray();
        int[] edges = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
        for (int i = 0; i < n; i += 3) {
            a[i] = edges[(i / 3) % edges.length];
        }
        return a;
    }
}
