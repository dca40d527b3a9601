package io.hartonomous.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.benchmarks.sha256.ScalarSha256Kernels;
import io.hartonomous.benchmarks.sha256.Sha256Kernels;
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

/** Content hashes of 64K distinct atom values: multi-buffer SIMD SHA-256 vs MessageDigest (the scalar twin). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class Sha256Benchmark {
    static final int COUNT = 64 * 1024;

    /** rgba8 = 4-byte int values, rgba16 = 8-byte long values. */
    @Param({"rgba8", "rgba16"})
    public String subtype;

    byte[] header;
    int[] ints;
    long[] longs;
    byte[] out;

    @Setup
    public void setup() {
        header = ("image/" + subtype + "\0").getBytes(StandardCharsets.UTF_8);
        Random rnd = new Random(10);
        ints = new int[COUNT];
        longs = new long[COUNT];
        for (int i = 0; i < COUNT; i++) {
            ints[i] = rnd.nextInt();
            longs[i] = rnd.nextLong();
        }
        out = new byte[32 * COUNT];
    }

    @Benchmark
    public byte[] simd() {
        if (subtype.equals("rgba8")) {
            Sha256Kernels.hashInts(header, 4, ints, 0, COUNT, out, 0);
        } else {
            Sha256Kernels.hashLongs(header, 8, longs, 0, COUNT, out, 0);
        }
        return out;
    }

    @Benchmark
    public byte[] scalar() {
        if (subtype.equals("rgba8")) {
            ScalarSha256Kernels.hashInts(header, 4, ints, 0, COUNT, out, 0);
        } else {
            ScalarSha256Kernels.hashLongs(header, 8, longs, 0, COUNT, out, 0);
        }
        return out;
    }
}
