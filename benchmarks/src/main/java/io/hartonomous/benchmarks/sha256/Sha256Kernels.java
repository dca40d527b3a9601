package io.hartonomous.benchmarks.sha256;

import java.util.Objects;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Multi-buffer SHA-256 of short typed values with the Vector API: each int lane hashes its own message, so one pass
 * of the 64 SHA-256 rounds over L-lane vectors (L = 16 on AVX-512, 8 on AVX2) produces L content hashes.
 * {@link ScalarSha256Kernels} (the JDK's {@code MessageDigest}) is the twin; digests are identical.
 *
 * <p>Every message is {@code header || value} with {@code header.length + valueBytes ≤ 55}, so it is exactly one
 * padded 64-byte block: the header, the 0x80 pad and the bit length are the same for all lanes and only the one or
 * two message words holding the value differ. Those words are built per lane from the value vector; the message
 * schedule and the compression are plain lane-wise adds, rotates, xors and ands on 32-bit lanes. Counts that are not
 * a multiple of L finish with the scalar twin.
 */
public final class Sha256Kernels {
    private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Largest header + value that fits one block with the 0x80 pad byte and the 8-byte length. */
    public static final int MAX_MESSAGE_BYTES = 55;

    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    private static final int[] H0 = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };

    private Sha256Kernels() {
    }

    /** As {@link ScalarSha256Kernels#hashInts}: values of 1..4 little-endian bytes. */
    public static void hashInts(byte[] header, int valueBytes, int[] values, int from, int count, byte[] out,
                                int outFrom) {
        check(header, valueBytes, 4, from, count, values.length, out, outFrom);
        Block block = new Block(header, valueBytes);
        int[] lo = new int[L];
        int i = 0;
        if (L >= 4) {
            int[] w = new int[64 * L];
            int[] digest = new int[8 * L];
            int[] hi = new int[L];
            for (; i + L <= count; i += L) {
                System.arraycopy(values, from + i, lo, 0, L);
                hashBlock(block, lo, hi, w, digest);
                store(digest, out, outFrom + 32 * i);
            }
        }
        if (i < count) {
            ScalarSha256Kernels.hashInts(header, valueBytes, values, from + i, count - i, out, outFrom + 32 * i);
        }
    }

    /** As {@link ScalarSha256Kernels#hashLongs}: values of 1..8 little-endian bytes. */
    public static void hashLongs(byte[] header, int valueBytes, long[] values, int from, int count, byte[] out,
                                 int outFrom) {
        check(header, valueBytes, 8, from, count, values.length, out, outFrom);
        Block block = new Block(header, valueBytes);
        int i = 0;
        if (L >= 4) {
            int[] w = new int[64 * L];
            int[] digest = new int[8 * L];
            int[] lo = new int[L];
            int[] hi = new int[L];
            for (; i + L <= count; i += L) {
                for (int l = 0; l < L; l++) {
                    long v = values[from + i + l];
                    lo[l] = (int) v;
                    hi[l] = (int) (v >>> 32);
                }
                hashBlock(block, lo, hi, w, digest);
                store(digest, out, outFrom + 32 * i);
            }
        }
        if (i < count) {
            ScalarSha256Kernels.hashLongs(header, valueBytes, values, from + i, count - i, out, outFrom + 32 * i);
        }
    }

    /** The constant part of the padded block, and where each value byte goes. */
    private static final class Block {
        final int[] words = new int[16];
        /** For value byte k: message word index and left shift of that byte inside the big-endian word. */
        final int[] word;
        final int[] shift;
        final int valueBytes;

        Block(byte[] header, int valueBytes) {
            this.valueBytes = valueBytes;
            int h = header.length;
            byte[] b = new byte[64];
            System.arraycopy(header, 0, b, 0, h);
            b[h + valueBytes] = (byte) 0x80;
            long bits = 8L * (h + valueBytes);
            for (int k = 0; k < 8; k++) {
                b[63 - k] = (byte) (bits >>> (8 * k));
            }
            for (int t = 0; t < 16; t++) {
                words[t] = (b[4 * t] & 0xFF) << 24 | (b[4 * t + 1] & 0xFF) << 16 | (b[4 * t + 2] & 0xFF) << 8
                        | (b[4 * t + 3] & 0xFF);
            }
            word = new int[valueBytes];
            shift = new int[valueBytes];
            for (int k = 0; k < valueBytes; k++) {
                word[k] = (h + k) >> 2;
                shift[k] = 24 - 8 * ((h + k) & 3);
            }
        }
    }

    /** SHA-256 of the L one-block messages whose value bytes are (hi:lo) per lane; state words go to digest[8][L]. */
    private static void hashBlock(Block block, int[] lo, int[] hi, int[] w, int[] digest) {
        // message words 0..15: constants, with the value bytes or-ed in
        for (int t = 0; t < 16; t++) {
            IntVector.broadcast(S, block.words[t]).intoArray(w, t * L);
        }
        IntVector vlo = IntVector.fromArray(S, lo, 0);
        IntVector vhi = IntVector.fromArray(S, hi, 0);
        for (int k = 0; k < block.valueBytes; k++) {
            IntVector src = k < 4 ? vlo : vhi;
            IntVector b = src.lanewise(VectorOperators.LSHR, 8 * (k & 3)).and(0xFF)
                    .lanewise(VectorOperators.LSHL, block.shift[k]);
            int at = block.word[k] * L;
            IntVector.fromArray(S, w, at).or(b).intoArray(w, at);
        }
        // message schedule
        for (int t = 16; t < 64; t++) {
            IntVector w2 = IntVector.fromArray(S, w, (t - 2) * L);
            IntVector w15 = IntVector.fromArray(S, w, (t - 15) * L);
            IntVector s1 = w2.lanewise(VectorOperators.ROR, 17).lanewise(VectorOperators.XOR,
                    w2.lanewise(VectorOperators.ROR, 19)).lanewise(VectorOperators.XOR,
                    w2.lanewise(VectorOperators.LSHR, 10));
            IntVector s0 = w15.lanewise(VectorOperators.ROR, 7).lanewise(VectorOperators.XOR,
                    w15.lanewise(VectorOperators.ROR, 18)).lanewise(VectorOperators.XOR,
                    w15.lanewise(VectorOperators.LSHR, 3));
            s1.add(IntVector.fromArray(S, w, (t - 7) * L)).add(s0).add(IntVector.fromArray(S, w, (t - 16) * L))
                    .intoArray(w, t * L);
        }
        IntVector a = IntVector.broadcast(S, H0[0]);
        IntVector b = IntVector.broadcast(S, H0[1]);
        IntVector c = IntVector.broadcast(S, H0[2]);
        IntVector d = IntVector.broadcast(S, H0[3]);
        IntVector e = IntVector.broadcast(S, H0[4]);
        IntVector f = IntVector.broadcast(S, H0[5]);
        IntVector g = IntVector.broadcast(S, H0[6]);
        IntVector h = IntVector.broadcast(S, H0[7]);
        for (int t = 0; t < 64; t++) {
            IntVector sigma1 = e.lanewise(VectorOperators.ROR, 6).lanewise(VectorOperators.XOR,
                    e.lanewise(VectorOperators.ROR, 11)).lanewise(VectorOperators.XOR,
                    e.lanewise(VectorOperators.ROR, 25));
            IntVector ch = e.and(f).lanewise(VectorOperators.XOR, e.not().and(g));
            IntVector t1 = h.add(sigma1).add(ch).add(K[t]).add(IntVector.fromArray(S, w, t * L));
            IntVector sigma0 = a.lanewise(VectorOperators.ROR, 2).lanewise(VectorOperators.XOR,
                    a.lanewise(VectorOperators.ROR, 13)).lanewise(VectorOperators.XOR,
                    a.lanewise(VectorOperators.ROR, 22));
            IntVector maj = a.and(b).lanewise(VectorOperators.XOR, a.and(c)).lanewise(VectorOperators.XOR, b.and(c));
            IntVector t2 = sigma0.add(maj);
            h = g;
            g = f;
            f = e;
            e = d.add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.add(t2);
        }
        a.add(H0[0]).intoArray(digest, 0);
        b.add(H0[1]).intoArray(digest, L);
        c.add(H0[2]).intoArray(digest, 2 * L);
        d.add(H0[3]).intoArray(digest, 3 * L);
        e.add(H0[4]).intoArray(digest, 4 * L);
        f.add(H0[5]).intoArray(digest, 5 * L);
        g.add(H0[6]).intoArray(digest, 6 * L);
        h.add(H0[7]).intoArray(digest, 7 * L);
    }

    /** Lane l's eight state words, big-endian, to out[offset + 32 l ..]. */
    private static void store(int[] digest, byte[] out, int offset) {
        for (int l = 0; l < L; l++) {
            int o = offset + 32 * l;
            for (int j = 0; j < 8; j++) {
                int v = digest[j * L + l];
                out[o + 4 * j] = (byte) (v >>> 24);
                out[o + 4 * j + 1] = (byte) (v >>> 16);
                out[o + 4 * j + 2] = (byte) (v >>> 8);
                out[o + 4 * j + 3] = (byte) v;
            }
        }
    }

    static void check(byte[] header, int valueBytes, int maxValueBytes, int from, int count, int valuesLength,
                      byte[] out, int outFrom) {
        Objects.requireNonNull(header, "header");
        if (valueBytes < 1 || valueBytes > maxValueBytes) {
            throw new IllegalArgumentException("valueBytes must be 1.." + maxValueBytes + ", got " + valueBytes);
        }
        if (header.length + valueBytes > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("header + value of " + (header.length + valueBytes)
                    + " bytes does not fit one SHA-256 block (at most " + MAX_MESSAGE_BYTES + ")");
        }
        Objects.checkFromIndexSize(from, count, valuesLength);
        Objects.checkFromIndexSize(outFrom, Math.multiplyExact(count, 32), out.length);
    }
}
