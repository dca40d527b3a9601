package io.hartonomous.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.DistinctInts;
import io.hartonomous.kernels.DistinctKernels;
import io.hartonomous.kernels.PixelKernels;
import io.hartonomous.kernels.ScalarDistinctKernels;
import io.hartonomous.kernels.ScalarPixelKernels;
import io.hartonomous.benchmarks.sha256.ScalarSha256Kernels;
import io.hartonomous.benchmarks.sha256.Sha256Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Atomizing one decoded 2048×2048 TYPE_INT_ARGB image into content-hashed pixel atoms.
 * <ul>
 * <li>{@code naivePerPixelSha}: (a) canonical RGBA bytes and ContentHash = SHA-256("image/rgba8" 0x00 R G B A) for
 *     every pixel;</li>
 * <li>{@code kernelsDistinctSha}: (b) {@link PixelKernels#argbToRgba8} + {@link DistinctKernels#distinct} + SHA-256
 *     of the distinct values only with the multi-buffer {@link Sha256Kernels} (ordinals give every pixel its
 *     atom);</li>
 * <li>{@code kernelsDistinctMessageDigest}: (b) hashing the distinct values with MessageDigest one by one;</li>
 * <li>{@code scalarTwinsDistinctSha}: (b) with all scalar twins, to show what SIMD contributes inside (b);</li>
 * <li>{@code kernelsDistinctOnly}: (b) without hashing (where the time of (b) goes);</li>
 * <li>{@code arraycopy}: (c) System.arraycopy of the same 16 MiB int buffer, the memory-bandwidth floor.</li>
 * </ul>
 * The typed header replicates storage-tier's ContentHash/AtomType.hashHeader() locally (no dependency on
 * storage-tier).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
@State(Scope.Thread)
public class ImageAtomizationBenchmark {
    private static final ScalarPixelKernels SCALAR_PIXEL = new ScalarPixelKernels();
    private static final ScalarDistinctKernels SCALAR_DISTINCT = new ScalarDistinctKernels();
    static final int WIDTH = 2048;
    static final int HEIGHT = 2048;
    static final int PIXELS = WIDTH * HEIGHT;
    /** utf8("image/rgba8") || 0x00, exactly AtomType.hashHeader() for image/rgba8. */
    static final byte[] HEADER = "image/rgba8\0".getBytes(StandardCharsets.UTF_8);

    @Param({"photo", "graphic"})
    public String image;

    int[] argb;
    int[] rgba;
    int[] copy;
    byte[] perPixelHashes;
    MessageDigest sha;
    int distinct;

    @Setup
    public void setup() throws NoSuchAlgorithmException {
        argb = SyntheticImages.argb(image, WIDTH, HEIGHT);
        rgba = new int[PIXELS];
        copy = new int[PIXELS];
        perPixelHashes = new byte[PIXELS * 32];
        sha = MessageDigest.getInstance("SHA-256");
        PixelKernels.argbToRgba8(argb, 0, PIXELS, rgba, 0);
        distinct = DistinctKernels.distinct(rgba, 0, PIXELS).distinctCount();
        System.out.printf("%n[%s] %dx%d, %d distinct RGBA8 values (%.1f%% of pixels)%n", image, WIDTH, HEIGHT, distinct,
                100.0 * distinct / PIXELS);
    }

    /** {@code buf} is HEADER followed by 4 value bytes; the value is written little-endian, then hashed. */
    static void contentHash(MessageDigest sha, int rgba8, byte[] buf, byte[] out, int offset) {
        int h = HEADER.length;
        buf[h] = (byte) rgba8;
        buf[h + 1] = (byte) (rgba8 >>> 8);
        buf[h + 2] = (byte) (rgba8 >>> 16);
        buf[h + 3] = (byte) (rgba8 >>> 24);
        sha.update(buf, 0, h + 4);
        try {
            sha.digest(out, offset, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public byte[] naivePerPixelSha() {
        byte[] buf = java.util.Arrays.copyOf(HEADER, HEADER.length + 4);
        for (int i = 0; i < PIXELS; i++) {
            int p = argb[i];
            int key = (p & 0xFF00_FF00) | ((p >>> 16) & 0xFF) | ((p & 0xFF) << 16);
            contentHash(sha, key, buf, perPixelHashes, 32 * i);
        }
        return perPixelHashes;
    }

    @Benchmark
    public byte[] kernelsDistinctSha() {
        PixelKernels.argbToRgba8(argb, 0, PIXELS, rgba, 0);
        DistinctInts d = DistinctKernels.distinct(rgba, 0, PIXELS);
        byte[] hashes = new byte[d.distinctCount() * 32];
        Sha256Kernels.hashInts(HEADER, 4, d.values(), 0, d.distinctCount(), hashes, 0);
        return hashes;
    }

    @Benchmark
    public byte[] kernelsDistinctMessageDigest() {
        PixelKernels.argbToRgba8(argb, 0, PIXELS, rgba, 0);
        DistinctInts d = DistinctKernels.distinct(rgba, 0, PIXELS);
        return hashDistinct(d);
    }

    @Benchmark
    public byte[] scalarTwinsDistinctSha() {
        SCALAR_PIXEL.argbToRgba8(argb, 0, PIXELS, rgba, 0);
        DistinctInts d = SCALAR_DISTINCT.distinct(rgba, 0, PIXELS);
        byte[] hashes = new byte[d.distinctCount() * 32];
        ScalarSha256Kernels.hashInts(HEADER, 4, d.values(), 0, d.distinctCount(), hashes, 0);
        return hashes;
    }

    @TearDown(Level.Trial)
    public void verify() {
        // the multi-buffer hashes of (b) equal per-pixel MessageDigest hashes of (a) for the same pixels
        PixelKernels.argbToRgba8(argb, 0, PIXELS, rgba, 0);
        DistinctInts d = DistinctKernels.distinct(rgba, 0, PIXELS);
        byte[] hashes = new byte[d.distinctCount() * 32];
        Sha256Kernels.hashInts(HEADER, 4, d.values(), 0, d.distinctCount(), hashes, 0);
        byte[] one = new byte[32];
        byte[] buf = java.util.Arrays.copyOf(HEADER, HEADER.length + 4);
        for (int i = 0; i < PIXELS; i += 9973) {
            contentHash(sha, rgba[i], buf, one, 0);
            if (!java.util.Arrays.equals(one, 0, 32, hashes, 32 * d.ordinals()[i], 32 * d.ordinals()[i] + 32)) {
                throw new IllegalStateException("content hash of pixel " + i + " differs");
            }
        }
    }

    @Benchmark
    public DistinctInts kernelsDistinctOnly() {
        PixelKernels.argbToRgba8(argb, 0, PIXELS, rgba, 0);
        return DistinctKernels.distinct(rgba, 0, PIXELS);
    }

    private byte[] hashDistinct(DistinctInts d) {
        byte[] hashes = new byte[d.distinctCount() * 32];
        byte[] buf = java.util.Arrays.copyOf(HEADER, HEADER.length + 4);
        int[] values = d.values();
        for (int i = 0; i < d.distinctCount(); i++) {
            contentHash(sha, values[i], buf, hashes, 32 * i);
        }
        return hashes;
    }

    @Benchmark
    public int[] arraycopy() {
        System.arraycopy(argb, 0, copy, 0, PIXELS);
        return copy;
    }
}
