package io.hartonomous.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.MatrixKernels;
import io.hartonomous.kernels.ScalarMatrixKernels;
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
 * Matrix-vector products as a LLaMA forward pass makes them, one token at a time (rows x cols): a 288-wide attention
 * projection and a 768 x 288 FFN (llama2.c "stories15M" sizes, in cache) and a 2048 x 2048 projection (1B-class,
 * 16 MiB of weights, out of cache): SIMD vs scalar twin.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class MatrixBenchmark {
    private static final ScalarMatrixKernels SCALAR = new ScalarMatrixKernels();
    @Param({"288x288", "768x288", "2048x2048"})
    public String shape;

    int rows;
    int cols;
    float[] m;
    float[] x;
    float[] out;

    @Setup
    public void setup() {
        String[] rc = shape.split("x");
        rows = Integer.parseInt(rc[0]);
        cols = Integer.parseInt(rc[1]);
        Random rnd = new Random(9);
        m = new float[rows * cols];
        x = new float[cols];
        out = new float[rows];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
    }

    @Benchmark
    public float[] matVecSimd() {
        MatrixKernels.matVec(m, rows, cols, x, out);
        return out;
    }

    @Benchmark
    public float[] matVecScalar() {
        SCALAR.matVec(m, rows, cols, x, out, 0);
        return out;
    }
}
