package io.hartonomous.benchmarks.ingest;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.benchmarks.report.BenchArgs;
import io.hartonomous.benchmarks.report.BenchmarkDoc;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;
import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.ingest.pipeline.IngestPipeline;
import io.hartonomous.ingest.pipeline.IngestSettings;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Ingest benchmarks of issue 3, run by {@code ./hart bench ingest}:
 * <ul>
 *   <li>{@code end-to-end}: real files ingested through the pipeline into a fresh embedded engine, against H2's own
 *   JDBC batch insert of the very same rows into the same tables (goal: within 1.3x);</li>
 *   <li>{@code parallel-atomize} (issue 12): a photo atomized at parallelism 1 and 2 against SHA-256 of its
 *   distinct values ÷ cores + one pass over its pixels, and ingested end to end at both ({@link ParallelAtomize});</li>
 *   <li>{@code large-model}: model files larger than the JVM's heap (run with a small -Xmx), peak heap recorded.</li>
 * </ul>
 */
public final class IngestBench {
    private static final int RUNS = 3;
    private static final String LARGE_HEADER = """
            | model file | size | heap (-Xmx) | file / heap | weights (rows) | max live heap (full GC every 5 s) | time | rows/s |
            |---|---:|---:|---:|---:|---:|---:|---:|
            """;

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("hart.root", ".")).toAbsolutePath();
        Path docs = Path.of(BenchArgs.option(args, "--docs", root.resolve("docs/benchmarks.md").toString()));
        switch (args.length == 0 ? "" : args[0]) {
            case "end-to-end" -> BenchmarkDoc.replaceSection(docs, "ingest-end-to-end", endToEnd(root));
            case "parallel-atomize" -> BenchmarkDoc.replaceSection(docs, "ingest-parallel-atomize",
                    ParallelAtomize.run(root, Integer.parseInt(BenchArgs.option(args, "--rounds", "11"))));
            case "large-sparse" -> BenchmarkDoc.replaceSection(docs, "ingest-large-sparse",
                    LARGE_HEADER + LargeModel.run(Files.createTempDirectory("hart-bench-large"), "sparse", 0));
            case "large-dense" -> BenchmarkDoc.replaceSection(docs, "ingest-large-dense",
                    LARGE_HEADER + LargeModel.run(Files.createTempDirectory("hart-bench-large"), "dense",
                            Long.parseLong(BenchArgs.option(args, "--mb", "256")) << 20));
            case "scale" -> {
                String file = BenchArgs.option(args, "--file", null);
                System.out.print(ScaleBench.run(root, Integer.parseInt(BenchArgs.option(args, "--scale", "2")),
                        file == null ? null : Path.of(file), Integer.parseInt(BenchArgs.option(args, "--chunk-rows",
                                "" + ChunkPlan.DEFAULT_IMAGE_CHUNK_ROWS))));
            }
            case "storage" -> {
                // Bytes per position before and after, for a photo, a WAV and a dense f16 model (issue 12).
                Path cache = root.resolve("testdata/cache");
                Path work = Files.createTempDirectory("hart-bench-storage");
                try {
                    Path f16 = ModelScaleBench.denseF16(work.resolve("dense-f16.safetensors"),
                            Long.parseLong(BenchArgs.option(args, "--f16-mweights", "4")) * 1_000_000);
                    System.out.print(StorageBytes.header()
                            + StorageBytes.row(cache.resolve("images/snake.png"), "snake.png (photo, 600 x 450)")
                            + StorageBytes.row(cache.resolve("audio/derived/s16-6ch.wav"),
                                    "s16-6ch.wav (16-bit, 6 channels)")
                            + StorageBytes.row(f16, "dense f16 safetensors (Gaussian weights)"));
                } finally {
                    ScratchDirs.delete(work);
                }
            }
            case "scale-model" -> {
                // --model FILE (default: the largest model in the cache), or --f16-mweights N for a synthetic file.
                String synthetic = BenchArgs.option(args, "--f16-mweights", "");
                Path model = synthetic.isEmpty() ? Path.of(BenchArgs.option(args, "--model",
                        root.resolve("testdata/cache/models/onnx/all-minilm-l6-v2-q.onnx").toString())) : null;
                System.out.print(ModelScaleBench.header() + ModelScaleBench.run(model,
                        synthetic.isEmpty() ? 0 : Long.parseLong(synthetic) * 1_000_000,
                        java.util.Arrays.asList(args).contains("--baseline"),
                        Double.parseDouble(BenchArgs.option(args, "--baseline-minutes", "1e9")) * 60_000));
            }
            default -> {
                System.err.println("usage: IngestBench end-to-end|parallel-atomize|large-sparse|large-dense|scale|"
                        + "scale-model|storage [--rounds N] [--mb N] [--scale N] [--model FILE | --f16-mweights N] [--baseline [--baseline-minutes M]] "
                        + "[--docs FILE]");
                System.exit(2);
            }
        }
    }

    static String endToEnd(Path root) throws Exception {
        Path cache = root.resolve("testdata/cache");
        List<Path> files = List.of(cache.resolve("images/snake.png"), cache.resolve("images/snake-palette.png"),
                cache.resolve("audio/derived/s16-6ch.wav"), cache.resolve("models/gguf/chunks.gguf"));
        for (Path f : files) {
            if (!Files.exists(f)) {
                throw new IllegalStateException(f + " is missing: run testdata/fetch");
            }
        }
        Path work = Files.createTempDirectory("hart-bench-ingest");
        StringBuilder md = new StringBuilder("""
                | file | rows | distinct atoms | H2 raw batch insert | end-to-end ingest | ratio (goal <= 1.3) |
                |---|---:|---:|---:|---:|---:|
                """);
        try {
            for (Path file : files) {
                RawRows rows = RawRows.of(file, ChunkPlan.DEFAULT_CHUNK_ROWS);
                measure(work, file, rows); // warm-up: JIT, page cache
                double[] raw = new double[RUNS];
                double[] e2e = new double[RUNS];
                IngestOutcome outcome = null;
                for (int run = 0; run < RUNS; run++) {
                    Measured m = measure(work, file, rows);
                    raw[run] = m.rawMillis();
                    e2e[run] = m.endToEndMillis();
                    outcome = m.outcome();
                }
                double r = median(raw);
                double e = median(e2e);
                String line = String.format(Locale.ROOT, "| %s | %,d | %,d | %,.0f ms | %,.0f ms | %.2fx |%n",
                        file.getFileName(), rows.rows(), outcome.distinctAtoms(), r, e, e / r);
                System.out.print(line);
                md.append(line);
            }
        } finally {
            ScratchDirs.delete(work);
        }
        md.append(String.format(Locale.ROOT, "%nMedian of %d runs each on fresh file databases, after one warm-up; "
                + "JDK %s, %d cores, %s. `./hart bench ingest` regenerates this table.%n", RUNS,
                Runtime.version(), Runtime.getRuntime().availableProcessors(), Machine.cpu()));
        return md.toString();
    }

    private record Measured(double rawMillis, double endToEndMillis, IngestOutcome outcome) {
    }

    private static Measured measure(Path work, Path file, RawRows rows) throws Exception {
        Path rawDir = Files.createTempDirectory(work, "raw");
        double raw;
        try (StorageEngine schema = StorageEngines.open(LocalStorage.embeddedFile(rawDir))) {
            StorageConfig config = LocalStorage.embeddedFile(rawDir);
            try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password())) {
                long t0 = System.nanoTime();
                RawInsert.insert(c, rows);
                raw = (System.nanoTime() - t0) / 1e6;
            }
        }
        Path e2eDir = Files.createTempDirectory(work, "e2e");
        double e2e;
        IngestOutcome outcome;
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(e2eDir))) {
            IngestPipeline pipeline = new IngestPipeline(engine, IngestSettings.defaults(e2eDir.resolve("spool")));
            long t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(file)) {
                outcome = pipeline.ingest("bench", null, file.getFileName().toString(), in);
            }
            e2e = (System.nanoTime() - t0) / 1e6;
        }
        ScratchDirs.delete(rawDir);
        ScratchDirs.delete(e2eDir);
        return new Measured(raw, e2e, outcome);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
