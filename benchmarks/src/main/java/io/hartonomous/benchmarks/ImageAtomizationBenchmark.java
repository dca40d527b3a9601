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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Atomizing one decoded 2048×2048 TYPE_INT_ARGB image into content-hashed pixel atoms.
 * <ul>
 * <li>{@code naivePerPixelSha}: (a) canonical RGBA bytes and ContentHash = SHA-256("image/rgba8" 0x00 R G B A) for
 *     every pixel;</li>
 * <li>{@code kernelsDistinctSha}: (b) {@link PixelKernels#argbToRgba8} + {@link DistinctKernels#distinct} + SHA-256
 *     of the distinct values only (ordinals give every pixel its atom);</li>
 * <li>{@code scalarTwinsDistinctSha}: (b) with the scalar twins, to show what SIMD contributes inside (b);</li>
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

    static void contentHash(MessageDigest sha, int rgba8, byte[] buf, byte[] out, int offset) {
        buf[0] = (byte) rgba8;
        buf[1] = (byte) (rgba8 >>> 8);
        buf[2] = (byte) (rgba8 >>> 16);
        buf[3] = (byte) (rgba8 >>> 24);
        sha.update(HEADER);
        sha.update(buf, 0, 4);
        try {
            sha.digest(out, offset, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public byte[] naivePerPixelSha() {
        byte[] buf = new byte[4];
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
        return hashDistinct(d);
    }

    @Benchmark
    public byte[] scalarTwinsDistinctSha() {
        ScalarPixelKernels.argbToRgba8(argb, 0, PIXELS, rgba, 0);
        DistinctInts d = ScalarDistinctKernels.distinct(rgba, 0, PIXELS);
        return hashDistinct(d);
    }

    @Benchmark
    public DistinctInts kernelsDistinctOnly() {
        PixelKernels.argbToRgba8(argb, 0, PIXELS, rgba, 0);
        return DistinctKernels.distinct(rgba, 0, PIXELS);
    }

    private byte[] hashDistinct(DistinctInts d) {
        byte[] hashes = new byte[d.distinctCount() * 32];
        byte[] buf = new byte[4];
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
