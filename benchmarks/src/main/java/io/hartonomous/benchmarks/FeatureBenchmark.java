package io.hartonomous.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.ChunkStats;
import io.hartonomous.kernels.FeatureKernels;
import io.hartonomous.kernels.ScalarFeatureKernels;
import io.hartonomous.kernels.StatsKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Built-in feature embeddings: image descriptor of a 1024×1024 synthetic photo (SIMD gradient/orientation vs the
 * scalar twin); audio descriptor of 10 s of 48 kHz audio and tensor descriptor of a 64K sample (scalar code in both,
 * reported for absolute cost).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class FeatureBenchmark {
    private static final ScalarFeatureKernels SCALAR_FEATURE = new ScalarFeatureKernels();
    int[] image;
    float[] audio;
    float[] sample;
    ChunkStats stats;

    @Setup
    public void setup() {
        int[] argb = SyntheticImages.argb("photo", 1024, 1024);
        image = new int[argb.length];
        io.hartonomous.kernels.PixelKernels.argbToRgba8(argb, 0, argb.length, image, 0);
        Random rnd = new Random(11);
        audio = new float[48_000 * 10];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 48_000.0) + 0.05 * rnd.nextGaussian());
        }
        sample = new float[65_536];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = (float) rnd.nextGaussian() * 0.02f;
        }
        stats = StatsKernels.stats(sample, 0, sample.length);
    }

    @Benchmark
    public float[] imageSimd() {
        return FeatureKernels.image(image, 1024, 1024);
    }

    @Benchmark
    public float[] imageScalar() {
        return SCALAR_FEATURE.image(image, 1024, 1024);
    }

    @Benchmark
    public float[] audio() {
        return FeatureKernels.audio(audio, 48_000);
    }

    @Benchmark
    public float[] tensor() {
        return FeatureKernels.tensor(stats, sample);
    }
}
