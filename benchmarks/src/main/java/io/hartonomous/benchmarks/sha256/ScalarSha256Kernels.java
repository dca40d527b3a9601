package io.hartonomous.benchmarks.sha256;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Scalar twin of {@link Sha256Kernels}: typed content hashes {@code SHA-256(header || value)} of many fixed-length
 * little-endian values with the JDK's {@link MessageDigest} (which uses the CPU's SHA instructions where it can).
 *
 * <p>This is the atom ContentHash: with {@code header = utf8(modality + "/" + subtype) || 0x00} (storage-tier's
 * {@code AtomType.hashHeader()}), {@code hashInts(header, 4, rgba8Keys, ...)} gives the content hashes of RGBA8
 * pixel atoms. The digest of value i goes to {@code out[outFrom + 32 i .. + 32)}.
 */
public final class ScalarSha256Kernels {
    private ScalarSha256Kernels() {
    }

    /**
     * Hashes {@code count} values of {@code valueBytes} (1..4) bytes each: the low {@code valueBytes} bytes of
     * {@code values[from + i]}, little-endian (so pcm8..pcm32, float32 bits, RGBA8 keys, f16/bf16 bits).
     */
    public static void hashInts(byte[] header, int valueBytes, int[] values, int from, int count, byte[] out,
                                int outFrom) {
        Sha256Kernels.check(header, valueBytes, 4, from, count, values.length, out, outFrom);
        MessageDigest sha = sha256();
        int h = header.length;
        byte[] buf = java.util.Arrays.copyOf(header, h + valueBytes);
        for (int i = 0; i < count; i++) {
            int v = values[from + i];
            for (int k = 0; k < valueBytes; k++) {
                buf[h + k] = (byte) (v >>> (8 * k));
            }
            digest(sha, buf, out, outFrom + 32 * i);
        }
    }

    /** Hashes {@code count} values of {@code valueBytes} (1..8) bytes each, little-endian (RGBA16 keys, float64 bits). */
    public static void hashLongs(byte[] header, int valueBytes, long[] values, int from, int count, byte[] out,
                                 int outFrom) {
        Sha256Kernels.check(header, valueBytes, 8, from, count, values.length, out, outFrom);
        MessageDigest sha = sha256();
        int h = header.length;
        byte[] buf = java.util.Arrays.copyOf(header, h + valueBytes);
        for (int i = 0; i < count; i++) {
            long v = values[from + i];
            for (int k = 0; k < valueBytes; k++) {
                buf[h + k] = (byte) (v >>> (8 * k));
            }
            digest(sha, buf, out, outFrom + 32 * i);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static void digest(MessageDigest sha, byte[] buf, byte[] out, int offset) {
        sha.update(buf);
        try {
            sha.digest(out, offset, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    static void checkOut(byte[] out, int outFrom, int count) {
        Objects.checkFromIndexSize(outFrom, Math.multiplyExact(count, 32), out.length);
    }
}
