package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** PcmKernels vs ScalarPcmKernels (bitwise) plus the key semantics on known values. */
class PcmKernelsTest {
    private static final PcmKernels.Implementation VECTOR = new VectorPcmKernels();
    private static final PcmKernels.Implementation SCALAR = new ScalarPcmKernels();
    private final Random rnd = new Random(7);

    @Test
    void knownValues() {
        int[] out = new int[2];
        SCALAR.decode(new byte[] {(byte) 0xFF, 0x00}, 0, 2, 1, false, out, 0);
        assertThat(out).containsExactly(255, 0);
        SCALAR.decode(new byte[] {0x00, (byte) 0x80, (byte) 0xFF, 0x7F}, 0, 2, 2, false, out, 0);
        assertThat(out).containsExactly(-32768, 32767);
        SCALAR.decode(new byte[] {0x00, 0x00, (byte) 0x80, (byte) 0xFF, (byte) 0xFF, 0x7F}, 0, 2, 3, false,
                out, 0);
        assertThat(out).containsExactly(-8388608, 8388607);
        byte[] f = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(-0f).putFloat(Float.NaN).array();
        SCALAR.decode(f, 0, 2, 4, true, out, 0);
        assertThat(out).containsExactly(0x8000_0000, 0x7FC0_0000);
        long[] d = new long[1];
        SCALAR.decode64(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(-2.5).array(), 0, 1,
                d, 0);
        assertThat(d[0]).isEqualTo(Double.doubleToRawLongBits(-2.5));
        float[] fl = new float[3];
        SCALAR.toFloat(new int[] {0, 128, 255}, 0, 3, 1, false, fl, 0);
        assertThat(fl).containsExactly(-1f, 0f, 127f / 128f);
        SCALAR.toFloat(new int[] {-32768, 0, 32767}, 0, 3, 2, false, fl, 0);
        assertThat(fl).containsExactly(-1f, 0f, 32767f / 32768f);
        SCALAR.toFloat(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, 0, 3, 4, false, fl, 0);
        assertThat(fl).containsExactly(-1f, 0f, 1f); // 2^31-1 rounds to 2^31 in float
    }

    @Test
    void decodeAgrees() {
        for (int bps = 1; bps <= 4; bps++) {
            for (int n : TestData.LENGTHS) {
                for (int off : TestData.OFFSETS) {
                    byte[] src = TestData.bytes(rnd, off + n * bps);
                    for (boolean fp : bps == 4 ? new boolean[] {false, true} : new boolean[] {false}) {
                        int[] a = new int[n + 1];
                        int[] b = new int[n + 1];
                        VECTOR.decode(src, off, n, bps, fp, a, 1);
                        SCALAR.decode(src, off, n, bps, fp, b, 1);
                        assertThat(a).as("bps=%d n=%d off=%d fp=%s", bps, n, off, fp).isEqualTo(b);
                    }
                }
            }
        }
    }

    @Test
    void decode64Agrees() {
        for (int n : TestData.LENGTHS) {
            for (int off : TestData.OFFSETS) {
                byte[] src = TestData.bytes(rnd, off + n * 8);
                long[] a = new long[n];
                long[] b = new long[n];
                VECTOR.decode64(src, off, n, a, 0);
                SCALAR.decode64(src, off, n, b, 0);
                assertThat(a).isEqualTo(b);
                ByteBuffer bb = ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    assertThat(a[i]).isEqualTo(bb.getLong(off + 8 * i));
                }
            }
        }
    }

    @Test
    void toFloatAgreesBitwise() {
        for (int bps = 1; bps <= 4; bps++) {
            for (int n : TestData.LENGTHS) {
                for (int off : TestData.OFFSETS) {
                    byte[] raw = TestData.bytes(rnd, off + n * bps);
                    int[] keys = new int[off + n];
                    SCALAR.decode(raw, off, n, bps, false, keys, off);
                    float[] a = new float[n];
                    float[] b = new float[n];
                    VECTOR.toFloat(keys, off, n, bps, false, a, 0);
                    SCALAR.toFloat(keys, off, n, bps, false, b, 0);
                    assertThat(a).as("bps=%d n=%d", bps, n).isEqualTo(b);
                    for (float x : a) {
                        assertThat(x).isBetween(-1f, 1f);
                    }
                }
            }
        }
        for (int n : TestData.LENGTHS) {
            float[] vals = TestData.floats(rnd, n, true);
            int[] keys = new int[n];
            for (int i = 0; i < n; i++) {
                keys[i] = Float.floatToRawIntBits(vals[i]);
            }
            float[] a = new float[n];
            VECTOR.toFloat(keys, 0, n, 4, true, a, 0);
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToRawIntBits(a[i])).isEqualTo(keys[i]);
            }
        }
    }

    @Test
    void rejectsUnknownFormats() {
        assertThatThrownBy(() -> VECTOR.decode(new byte[8], 0, 1, 8, true, new int[1], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decode64");
        assertThatThrownBy(() -> VECTOR.decode(new byte[8], 0, 1, 5, false, new int[1], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VECTOR.decode(new byte[5], 0, 2, 3, false, new int[2], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
