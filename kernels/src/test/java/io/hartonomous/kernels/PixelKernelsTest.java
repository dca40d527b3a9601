package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** PixelKernels vs ScalarPixelKernels on random and extreme samples, every length/offset, plus known keys. */
class PixelKernelsTest {
    private static final PixelKernels.Implementation VECTOR = new VectorPixelKernels();
    private static final PixelKernels.Implementation SCALAR = new ScalarPixelKernels();
    private final Random rnd = new Random(42);

    @Test
    void knownKeys() {
        int[] out = new int[1];
        SCALAR.argbToRgba8(new int[] {0x80112233}, 0, 1, out, 0);
        assertThat(out[0]).isEqualTo(0x80332211); // R=0x11,G=0x22,B=0x33,A=0x80 -> bytes 11 22 33 80 LE
        VECTOR.argbToRgba8(new int[] {0x00112233}, 0, 1, true, out, 0);
        assertThat(out[0]).isEqualTo(0xFF332211);
        SCALAR.abgr8ToRgba8(new byte[] {(byte) 0x80, 0x33, 0x22, 0x11}, 0, 1, out, 0);
        assertThat(out[0]).isEqualTo(0x80332211);
        SCALAR.bgr8ToRgba8(new byte[] {0x33, 0x22, 0x11}, 0, 1, out, 0);
        assertThat(out[0]).isEqualTo(0xFF332211);
        SCALAR.interleaved8ToRgba8(new byte[] {0x11, 0x22, 0x33, (byte) 0x80}, 0, 1, 4, out, 0);
        assertThat(out[0]).isEqualTo(0x80332211);
        SCALAR.interleaved8ToRgba8(new byte[] {0x7F}, 0, 1, 1, out, 0);
        assertThat(out[0]).isEqualTo(0xFF7F7F7F);
        SCALAR.interleaved8ToRgba8(new byte[] {0x7F, 0x10}, 0, 1, 2, out, 0);
        assertThat(out[0]).isEqualTo(0x107F7F7F);
        long[] out16 = new long[1];
        SCALAR.interleaved16ToRgba16(new short[] {0x1111, 0x2222, 0x3333}, 0, 1, 3, out16, 0);
        assertThat(out16[0]).isEqualTo(0xFFFF_3333_2222_1111L);
        SCALAR.interleaved16ToRgba16(new short[] {(short) 0x8001, 0x0102}, 0, 1, 2, out16, 0);
        assertThat(out16[0]).isEqualTo(0x0102_8001_8001_8001L);
    }

    @Test
    void argbAgrees() {
        for (int n : TestData.LENGTHS) {
            for (int off : TestData.OFFSETS) {
                int[] src = TestData.ints(rnd, off + n + 3);
                for (boolean opaque : new boolean[] {false, true}) {
                    int[] a = new int[n + 2];
                    int[] b = new int[n + 2];
                    VECTOR.argbToRgba8(src, off, n, opaque, a, 1);
                    SCALAR.argbToRgba8(src, off, n, opaque, b, 1);
                    assertThat(a).as("n=%d off=%d opaque=%s", n, off, opaque).isEqualTo(b);
                }
                int[] a = new int[n];
                VECTOR.argbToRgba8(src, off, n, a, 0);
                int[] b = new int[n];
                SCALAR.argbToRgba8(src, off, n, false, b, 0);
                assertThat(a).isEqualTo(b);
            }
        }
    }

    @Test
    void bytesAgree() {
        for (int n : TestData.LENGTHS) {
            for (int off : TestData.OFFSETS) {
                for (int bands = 1; bands <= 4; bands++) {
                    byte[] src = TestData.bytes(rnd, off + n * bands + 2);
                    int[] a = new int[n + 1];
                    int[] b = new int[n + 1];
                    VECTOR.interleaved8ToRgba8(src, off, n, bands, a, 1);
                    SCALAR.interleaved8ToRgba8(src, off, n, bands, b, 1);
                    assertThat(a).as("interleaved8 n=%d off=%d bands=%d", n, off, bands).isEqualTo(b);
                }
                byte[] src = TestData.bytes(rnd, off + n * 4);
                int[] a = new int[n];
                int[] b = new int[n];
                VECTOR.abgr8ToRgba8(src, off, n, a, 0);
                SCALAR.abgr8ToRgba8(src, off, n, b, 0);
                assertThat(a).as("abgr n=%d off=%d", n, off).isEqualTo(b);
                VECTOR.bgr8ToRgba8(src, off, Math.min(n, (src.length - off) / 3), a, 0);
                SCALAR.bgr8ToRgba8(src, off, Math.min(n, (src.length - off) / 3), b, 0);
                assertThat(a).as("bgr n=%d off=%d", n, off).isEqualTo(b);
                // the SIMD loop must not read past the range it was given: exact-size arrays
                byte[] exact = TestData.bytes(rnd, n * 3);
                VECTOR.bgr8ToRgba8(exact, 0, n, a, 0);
                SCALAR.bgr8ToRgba8(exact, 0, n, b, 0);
                assertThat(a).isEqualTo(b);
            }
        }
    }

    @Test
    void shortsAgree() {
        for (int n : TestData.LENGTHS) {
            for (int off : TestData.OFFSETS) {
                for (int bands = 1; bands <= 4; bands++) {
                    short[] src = TestData.shorts(rnd, off + n * bands);
                    long[] a = new long[n + 1];
                    long[] b = new long[n + 1];
                    VECTOR.interleaved16ToRgba16(src, off, n, bands, a, 1);
                    SCALAR.interleaved16ToRgba16(src, off, n, bands, b, 1);
                    assertThat(a).as("interleaved16 n=%d off=%d bands=%d", n, off, bands).isEqualTo(b);
                }
            }
        }
    }

    @Test
    void matchesImageIoLayouts() {
        // TYPE_4BYTE_ABGR and TYPE_INT_ARGB of the same picture give the same keys
        int w = 37;
        int h = 5;
        BufferedImage abgr = new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR);
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = rnd.nextInt();
        }
        abgr.setRGB(0, 0, w, h, argb, 0, w);
        byte[] data = ((DataBufferByte) abgr.getRaster().getDataBuffer()).getData();
        int[] fromBytes = new int[w * h];
        int[] fromInts = new int[w * h];
        VECTOR.abgr8ToRgba8(data, 0, w * h, fromBytes, 0);
        VECTOR.argbToRgba8(abgr.getRGB(0, 0, w, h, null, 0, w), 0, w * h, fromInts, 0);
        assertThat(fromBytes).isEqualTo(fromInts);
        BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        bgr.setRGB(0, 0, w, h, argb, 0, w);
        byte[] bgrData = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        VECTOR.bgr8ToRgba8(bgrData, 0, w * h, fromBytes, 0);
        VECTOR.argbToRgba8(argb, 0, w * h, true, fromInts, 0);
        assertThat(fromBytes).isEqualTo(fromInts);
    }

    @Test
    void boundsAndBands() {
        assertThatThrownBy(() -> VECTOR.interleaved8ToRgba8(new byte[8], 0, 2, 5, new int[2], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VECTOR.interleaved8ToRgba8(new byte[8], 0, 3, 3, new int[3], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> VECTOR.argbToRgba8(new int[8], 4, 5, new int[8], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> VECTOR.abgr8ToRgba8(new byte[64], 0, 16, new int[15], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
