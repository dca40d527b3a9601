package io.hartonomous.kernels;

import java.util.Objects;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * PCM decoding with the Vector API; {@link ScalarPcmKernels} is the twin and documents the key semantics.
 *
 * <p>All loads are byte-vector loads from the array, reinterpreted (lane order is little-endian): loads of short/int
 * vectors straight from a heap byte segment are not intrinsified by C2 in JDK 25 and run ~10x slower.
 * pcm8 zero-extends a full byte vector into four int vectors, pcm16 sign-extends a full vector of shorts into two,
 * pcm24 permutes 3-byte samples into int lanes with one constant byte shuffle ({@code b0,b1,b2,b2}) and
 * sign-extends with {@code (x << 8) >> 8}, pcm32/float32 and float64 are little-endian lane loads.
 * {@link #toFloat} is the same int-to-float conversion and power-of-two scale as the twin, so results are
 * bit-identical.
 */
final class VectorPcmKernels implements PcmKernels.Implementation {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    /** Bytes with as many lanes as INTS, for pcm8 runs shorter than four int vectors (a 64-bit vector at least). */
    private static final VectorSpecies<Byte> BYTES_Q = INTS.vectorBitSize() >= 256
            ? ByteVector.SPECIES_PREFERRED.withShape(jdk.incubator.vector.VectorShape.forBitSize(INTS.vectorBitSize() / 4))
            : null;
    /** Bytes holding as many shorts as INTS has lanes (for pcm16). */
    private static final VectorSpecies<Byte> BYTES_H =
            ByteVector.SPECIES_PREFERRED.withShape(jdk.incubator.vector.VectorShape.forBitSize(INTS.vectorBitSize() / 2));
    private static final VectorShuffle<Byte> SHUFFLE24;
    private static final ScalarPcmKernels SCALAR = new ScalarPcmKernels();

    static {
        int[] idx = new int[BYTES.length()];
        for (int p = 0; p < idx.length / 4; p++) {
            idx[4 * p] = 3 * p;
            idx[4 * p + 1] = 3 * p + 1;
            idx[4 * p + 2] = 3 * p + 2;
            idx[4 * p + 3] = 3 * p + 2;
        }
        SHUFFLE24 = VectorShuffle.fromValues(BYTES, idx);
    }

    VectorPcmKernels() {
    }

    @Override
    public void decode(byte[] in, int from, int samples, int bytesPerSample, boolean floatingPoint,
                       int[] out, int outFrom) {
        PcmKernels.checkFormat(bytesPerSample, floatingPoint);
        int end = Objects.checkFromIndexSize(from, Math.multiplyExact(samples, bytesPerSample), in.length)
                + samples * bytesPerSample;
        Objects.checkFromIndexSize(outFrom, samples, out.length);
        int lanes = INTS.length();
        int i = 0;
        switch (bytesPerSample) {
            case 1 -> {
                // one full-width byte load feeds four int vectors
                for (; i + 4 * lanes <= samples; i += 4 * lanes) {
                    ByteVector b = ByteVector.fromArray(BYTES, in, from + i);
                    for (int part = 0; part < 4; part++) {
                        ((IntVector) b.convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, part))
                                .intoArray(out, outFrom + i + part * lanes);
                    }
                }
                if (BYTES_Q != null) {
                    for (; i + lanes <= samples; i += lanes) {
                        ((IntVector) ByteVector.fromArray(BYTES_Q, in, from + i)
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0))
                                .intoArray(out, outFrom + i);
                    }
                }
            }
            case 2 -> {
                // one full-width byte load feeds two int vectors
                for (; i + 2 * lanes <= samples; i += 2 * lanes) {
                    ShortVector v = ByteVector.fromArray(BYTES, in, from + 2 * i).reinterpretAsShorts();
                    ((IntVector) v.convertShape(VectorOperators.S2I, INTS, 0)).intoArray(out, outFrom + i);
                    ((IntVector) v.convertShape(VectorOperators.S2I, INTS, 1)).intoArray(out, outFrom + i + lanes);
                }
                for (; i + lanes <= samples; i += lanes) {
                    ((IntVector) ByteVector.fromArray(BYTES_H, in, from + 2 * i).reinterpretAsShorts()
                            .convertShape(VectorOperators.S2I, INTS, 0)).intoArray(out, outFrom + i);
                }
            }
            case 3 -> {
                int s = from;
                for (; s + BYTES.length() <= end; s += 3 * lanes, i += lanes) {
                    ByteVector.fromArray(BYTES, in, s).rearrange(SHUFFLE24).reinterpretAsInts()
                            .lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8)
                            .intoArray(out, outFrom + i);
                }
            }
            default -> {
                for (; i + lanes <= samples; i += lanes) {
                    ByteVector.fromArray(BYTES, in, from + 4 * i).reinterpretAsInts().intoArray(out, outFrom + i);
                }
            }
        }
        if (i < samples) {
            SCALAR.decode(in, from + i * bytesPerSample, samples - i, bytesPerSample, floatingPoint, out,
                    outFrom + i);
        }
    }

    @Override
    public void decode64(byte[] in, int from, int samples, long[] out, int outFrom) {
        Objects.checkFromIndexSize(from, Math.multiplyExact(samples, 8), in.length);
        Objects.checkFromIndexSize(outFrom, samples, out.length);
        int i = 0;
        int bound = LONGS.loopBound(samples);
        for (; i < bound; i += LONGS.length()) {
            ByteVector.fromArray(BYTES, in, from + 8 * i).reinterpretAsLongs().intoArray(out, outFrom + i);
        }
        if (i < samples) {
            SCALAR.decode64(in, from + 8 * i, samples - i, out, outFrom + i);
        }
    }

    @Override
    public void toFloat(int[] keys, int from, int count, int bytesPerSample, boolean floatingPoint,
                        float[] out, int outFrom) {
        PcmKernels.checkToFloat(keys, from, count, bytesPerSample, floatingPoint, out, outFrom);
        int i = 0;
        int bound = INTS.loopBound(count);
        if (floatingPoint) {
            for (; i < bound; i += INTS.length()) {
                IntVector.fromArray(INTS, keys, from + i).reinterpretAsFloats().intoArray(out, outFrom + i);
            }
        } else {
            int bias = bytesPerSample == 1 ? 128 : 0;
            float scale = PcmKernels.scale(bytesPerSample);
            for (; i < bound; i += INTS.length()) {
                ((FloatVector) IntVector.fromArray(INTS, keys, from + i).sub(bias)
                        .convert(VectorOperators.I2F, 0)).mul(scale).intoArray(out, outFrom + i);
            }
        }
        if (i < count) {
            SCALAR.toFloat(keys, from + i, count - i, bytesPerSample, floatingPoint, out, outFrom + i);
        }
    }
}
