package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Both dequantizer twins against gguf-py's own dequantize (fixtures from testdata/make-dequant-fixtures.py), bitwise;
 * and SIMD against scalar on random blocks at odd offsets and block counts.
 */
class DequantKernelsTest {
    private static final DequantKernels.Implementation VECTOR = new VectorDequantKernels();
    private static final DequantKernels.Implementation SCALAR = new ScalarDequantKernels();
    private static final HalfKernels.Implementation SCALAR_HALF = new ScalarHalfKernels();
    private static final HalfKernels.Implementation VECTOR_HALF = new VectorHalfKernels();

    interface Kernel {
        void run(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);
    }

    record Type(String name, Kernel simd, Kernel scalar) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Type> types() {
        return Stream.of(
                new Type("Q8_0", VECTOR::q8_0, SCALAR::q8_0),
                new Type("Q4_0", VECTOR::q4_0, SCALAR::q4_0),
                new Type("Q4_1", VECTOR::q4_1, SCALAR::q4_1),
                new Type("Q5_0", VECTOR::q5_0, SCALAR::q5_0),
                new Type("Q5_1", VECTOR::q5_1, SCALAR::q5_1),
                new Type("Q4_K", VECTOR::q4_K, SCALAR::q4_K),
                new Type("Q5_K", VECTOR::q5_K, SCALAR::q5_K),
                new Type("Q6_K", VECTOR::q6_K, SCALAR::q6_K),
                new Type("Q8_K", VECTOR::q8_K, SCALAR::q8_K),
                new Type("F16", (s, o, n, out, f) -> VECTOR_HALF.f16ToF32(s, o, n, out, f),
                        (s, o, n, out, f) -> SCALAR_HALF.f16ToF32(s, o, n, out, f)),
                new Type("BF16", (s, o, n, out, f) -> VECTOR_HALF.bf16ToF32(s, o, n, out, f),
                        (s, o, n, out, f) -> SCALAR_HALF.bf16ToF32(s, o, n, out, f)));
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DequantKernelsTest.class.getResourceAsStream("/dequant/" + name)) {
            assertThat(in).as("fixture %s (run testdata/make-dequant-fixtures.py)", name).isNotNull();
            return in.readAllBytes();
        }
    }

    static void assertSameBits(float[] actual, float[] expected, int offset, String what) {
        for (int i = 0; i < expected.length; i++) {
            float a = actual[offset + i];
            float e = expected[i];
            if (Float.isNaN(e)) {
                assertThat(Float.isNaN(a)).as("%s value %d: expected NaN, got %s", what, i, a).isTrue();
            } else {
                assertThat(Float.floatToRawIntBits(a))
                        .as("%s value %d: expected %s (0x%08x), got %s (0x%08x)", what, i, e,
                                Float.floatToRawIntBits(e), a, Float.floatToRawIntBits(a))
                        .isEqualTo(Float.floatToRawIntBits(e));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void bothTwinsBitwiseEqualToGgufPy(Type type) throws IOException {
        byte[] raw = resource(type.name() + ".bin");
        byte[] exp = resource(type.name() + ".f32");
        float[] expected = new float[exp.length / 4];
        ByteBuffer.wrap(exp).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(expected);
        int blockBytes = DequantKernels.blockBytes(type.name());
        int blockValues = DequantKernels.blockValues(type.name());
        int blocks = raw.length / blockBytes;
        assertThat(blocks * blockValues).isEqualTo(expected.length);
        // heap segment and an off-heap segment at an unaligned offset
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(raw.length + 3L);
            MemorySegment.copy(raw, 0, offHeap, ValueLayout.JAVA_BYTE, 3, raw.length);
            for (Kernel k : new Kernel[] {type.simd(), type.scalar()}) {
                float[] out = new float[expected.length + 5];
                k.run(MemorySegment.ofArray(raw), 0, blocks, out, 5);
                assertSameBits(out, expected, 5, type.name() + " heap");
                float[] out2 = new float[expected.length];
                k.run(offHeap, 3, blocks, out2, 0);
                assertSameBits(out2, expected, 0, type.name() + " off-heap+3");
            }
            float[] viaName = new float[expected.length];
            VECTOR.dequantize(type.name().toLowerCase(), MemorySegment.ofArray(raw), 0, blocks, viaName, 0);
            assertSameBits(viaName, expected, 0, type.name() + " by name");
            SCALAR.dequantize(type.name(), MemorySegment.ofArray(raw), 0, blocks, viaName, 0);
            assertSameBits(viaName, expected, 0, type.name() + " scalar by name");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void simdEqualsScalarOnRandomBlocks(Type type) {
        Random rnd = new Random(type.name().hashCode());
        int blockBytes = DequantKernels.blockBytes(type.name());
        int blockValues = DequantKernels.blockValues(type.name());
        for (int blocks : new int[] {0, 1, 2, 3, 7, 33}) {
            for (int offset : new int[] {0, 1, 7}) {
                byte[] raw = new byte[offset + blocks * blockBytes + 3];
                rnd.nextBytes(raw);
                float[] a = new float[blocks * blockValues + 2];
                float[] b = new float[blocks * blockValues + 2];
                type.simd().run(MemorySegment.ofArray(raw), offset, blocks, a, 1);
                type.scalar().run(MemorySegment.ofArray(raw), offset, blocks, b, 1);
                for (int i = 0; i < a.length; i++) {
                    if (Float.isNaN(b[i])) {
                        assertThat(a[i]).as("%s blocks=%d offset=%d value %d", type, blocks, offset, i).isNaN();
                    } else {
                        assertThat(Float.floatToRawIntBits(a[i]))
                                .as("%s blocks=%d offset=%d value %d", type, blocks, offset, i)
                                .isEqualTo(Float.floatToRawIntBits(b[i]));
                    }
                }
            }
        }
    }

    @Test
    void blockSizesAndBounds() {
        assertThat(DequantKernels.blockBytes("Q4_K")).isEqualTo(144);
        assertThat(DequantKernels.blockValues("Q4_K")).isEqualTo(256);
        assertThat(DequantKernels.blockBytes("q8_0")).isEqualTo(34);
        assertThat(DequantKernels.blockValues("Q8_0")).isEqualTo(32);
        assertThat(DequantKernels.blockBytes("Q6_K")).isEqualTo(210);
        assertThat(DequantKernels.blockBytes("Q8_K")).isEqualTo(292);
        assertThat(DequantKernels.supports("IQ2_XXS")).isFalse();
        assertThatThrownBy(() -> DequantKernels.blockBytes("IQ2_XXS")).isInstanceOf(UnsupportedOperationException.class);
        MemorySegment small = MemorySegment.ofArray(new byte[34 * 2 - 1]);
        assertThatThrownBy(() -> VECTOR.q8_0(small, 0, 2, new float[64], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> SCALAR.q8_0(MemorySegment.ofArray(new byte[68]), 0, 2, new float[63], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
