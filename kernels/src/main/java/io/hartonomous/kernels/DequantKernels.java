package io.hartonomous.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Objects;

/**
 * GGML block dequantization to float32, bitwise equal to upstream gguf-py (see {@link ScalarDequantKernels} for the
 * layouts): the {@link VectorDequantKernels} on machines whose preferred vectors hold 8 or 16 floats (the block
 * loops step through 16-value runs), else the scalar twin, chosen once by {@link KernelProvider}.
 */
public final class DequantKernels {
    private static final Implementation IMPL = KernelProvider.choose(256, 512, () -> new VectorDequantKernels(),
            () -> new ScalarDequantKernels());

    /** The family's operations: {@code blocks} blocks from {@code byteOffset} into {@code out[outFrom...]}. */
    public interface Implementation {
        void q8_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        void q4_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        void q4_1(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        void q5_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        void q5_1(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        void q4_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        void q5_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        void q6_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        void q8_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom);

        /** The float16/bfloat16/float32 conversions of the same kind (vector or scalar), for the unquantized types. */
        HalfKernels.Implementation halves();

        /**
         * Dispatch by GGML type name; {@code blocks} counts blocks of {@link DequantKernels#blockValues} values (for F32,
         * F16 and BF16 a block is one value).
         */
        default void dequantize(String ggmlType, MemorySegment src, long byteOffset, int blocks, float[] out,
                                int outFrom) {
            switch (normalize(ggmlType)) {
                case "Q8_0" -> q8_0(src, byteOffset, blocks, out, outFrom);
                case "Q4_0" -> q4_0(src, byteOffset, blocks, out, outFrom);
                case "Q4_1" -> q4_1(src, byteOffset, blocks, out, outFrom);
                case "Q5_0" -> q5_0(src, byteOffset, blocks, out, outFrom);
                case "Q5_1" -> q5_1(src, byteOffset, blocks, out, outFrom);
                case "Q4_K" -> q4_K(src, byteOffset, blocks, out, outFrom);
                case "Q5_K" -> q5_K(src, byteOffset, blocks, out, outFrom);
                case "Q6_K" -> q6_K(src, byteOffset, blocks, out, outFrom);
                case "Q8_K" -> q8_K(src, byteOffset, blocks, out, outFrom);
                case "F32" -> halves().f32(src, byteOffset, blocks, out, outFrom);
                case "F16" -> halves().f16ToF32(src, byteOffset, blocks, out, outFrom);
                case "BF16" -> halves().bf16ToF32(src, byteOffset, blocks, out, outFrom);
                default -> throw unsupported(ggmlType);
            }
        }
    }

    private DequantKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    /**
     * As {@link Implementation#dequantize}, with the implementation in use (one block format at a time:
     * {@code implementation().q4_K(...)}).
     */
    public static void dequantize(String ggmlType, MemorySegment src, long byteOffset, int blocks, float[] out,
                                  int outFrom) {
        IMPL.dequantize(ggmlType, src, byteOffset, blocks, out, outFrom);
    }

    /** Bytes per block, e.g. {@code "Q4_K"} → 144; case-insensitive. */
    public static int blockBytes(String ggmlType) {
        return switch (normalize(ggmlType)) {
            case "Q8_0" -> 34;
            case "Q4_0" -> 18;
            case "Q4_1" -> 20;
            case "Q5_0" -> 22;
            case "Q5_1" -> 24;
            case "Q4_K" -> 144;
            case "Q5_K" -> 176;
            case "Q6_K" -> 210;
            case "Q8_K" -> 292;
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw unsupported(ggmlType);
        };
    }

    /** Values per block, e.g. {@code "Q4_K"} → 256 (QK_K), {@code "Q8_0"} → 32; case-insensitive. */
    public static int blockValues(String ggmlType) {
        return switch (normalize(ggmlType)) {
            case "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1" -> 32;
            case "Q4_K", "Q5_K", "Q6_K", "Q8_K" -> 256;
            case "F32", "F16", "BF16" -> 1;
            default -> throw unsupported(ggmlType);
        };
    }

    /** Whether this class can dequantize the GGML type name. */
    public static boolean supports(String ggmlType) {
        return switch (normalize(ggmlType)) {
            case "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "F32", "F16", "BF16" -> true;
            default -> false;
        };
    }

    static String normalize(String ggmlType) {
        return Objects.requireNonNull(ggmlType, "ggmlType").toUpperCase(Locale.ROOT);
    }

    static UnsupportedOperationException unsupported(String ggmlType) {
        return new UnsupportedOperationException("GGML type " + ggmlType + " is not supported (supported: F32, F16,"
                + " BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K, Q8_K)");
    }

    static void check(MemorySegment src, long byteOffset, int blocks, int blockBytes, int blockValues, float[] out,
                      int outFrom) {
        Objects.requireNonNull(src, "src");
        if (blocks < 0) {
            throw new IllegalArgumentException("negative block count " + blocks);
        }
        Objects.checkFromIndexSize(byteOffset, (long) blocks * blockBytes, src.byteSize());
        Objects.checkFromIndexSize(outFrom, Math.multiplyExact(blocks, blockValues), out.length);
    }
}
