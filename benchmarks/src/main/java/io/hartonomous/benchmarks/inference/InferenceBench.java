package io.hartonomous.benchmarks.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.hartonomous.benchmarks.ingest.IngestedModel;
import io.hartonomous.benchmarks.report.BenchArgs;
import io.hartonomous.benchmarks.report.BenchmarkDoc;
import io.hartonomous.formats.onnx.OnnxStructure;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Issue 15, {@code ./hart bench inference}: all-MiniLM-L6-v2 (int8) ingested through the pipeline into a fresh
 * embedded file database, then in one JVM, medians after a warm-up:
 * <ul>
 *   <li>reassembly: what the API's ModelLoader does on a cache miss — the stored structure, every tensor through
 *   {@code ModelStore.tensorBytes} with its SHA-256 (the receipt), {@code OnnxStructure.reassemble} — against reading
 *   the original file's bytes; then each handed to ONNX Runtime (session creation);</li>
 *   <li>runs: the session on the reassembled bytes (what a SessionCache hit runs) against a session ORT created from
 *   the original file, same inputs, interleaved, at batch 1, 8 and 32.</li>
 * </ul>
 * ModelLoader and SessionCache are the API module's package-private CDI beans (Quarkus config, Micrometer), so the
 * bench makes the same contract and ORT calls itself, with the API's default of one intra-op thread.
 */
public final class InferenceBench {
    private static final int[] BATCHES = {1, 8, 32};

    private InferenceBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("hart.root", ".")).toAbsolutePath();
        Path docs = Path.of(BenchArgs.option(args, "--docs", root.resolve("docs/benchmarks.md").toString()));
        Path model = Path.of(BenchArgs.option(args, "--model",
                root.resolve("testdata/cache/models/onnx/all-minilm-l6-v2-q.onnx").toString()));
        int runs = Integer.parseInt(BenchArgs.option(args, "--runs", "7"));
        int threads = Integer.parseInt(BenchArgs.option(args, "--threads", "1"));
        if (!Files.exists(model)) {
            throw new IllegalStateException(model + " is missing: run testdata/fetch");
        }
        String table = run(model, runs, threads);
        System.out.print(table);
        BenchmarkDoc.replaceSection(docs, "inference", table);
    }

    static String run(Path file, int runs, int threads) throws Exception {
        String loadBefore = Machine.loadAverage();
        Path work = Files.createTempDirectory("hart-bench-inference");
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        StringBuilder out = new StringBuilder();
        try {
            Path db = work.resolve("db");
            IngestedModel ingested = IngestedModel.ingest(db, file);
            try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(db));
                 OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                ModelStore models = engine.forTenant(IngestedModel.TENANT).models();
                Model m = ingested.model(models);
                List<ModelLayer> layers = models.layers(m.modelId());
                long weights = layers.stream().mapToLong(ModelLayer::elementCount).sum();

                double[] storeMs = new double[runs];
                double[] fileMs = new double[runs];
                double[] storeLoadMs = new double[runs];
                double[] fileLoadMs = new double[runs];
                byte[] onnx = reassemble(models, m, layers); // warm-up of both paths
                Files.readAllBytes(file);
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    onnx = reassemble(models, m, layers);
                    storeMs[i] = ms(t0);
                    t0 = System.nanoTime();
                    byte[] raw = Files.readAllBytes(file);
                    fileMs[i] = ms(t0);
                    if (raw.length == 0) {
                        throw new IllegalStateException(file + " is empty");
                    }
                    t0 = System.nanoTime();
                    env.createSession(reassemble(models, m, layers), options).close();
                    storeLoadMs[i] = ms(t0);
                    t0 = System.nanoTime();
                    env.createSession(file.toString(), options).close();
                    fileLoadMs[i] = ms(t0);
                }
                out.append(String.format(Locale.ROOT, """
                        %s (%,.1f MB): %,d weights in %d tensors, ingested in %,.0f ms; reassembled model %,.1f MB.

                        | reassembly (median of %d) | from the embedded engine | from the file | store / file |
                        |---|---:|---:|---:|
                        | model bytes (store: structure + tensorBytes + SHA-256 + reassemble; file: read) \
                        | %,.1f ms (%,.1f M weights/s) | %,.1f ms (%,.1f M weights/s) | %.1fx |
                        | bytes + ORT session creation | %,.1f ms (%,.1f M weights/s) | %,.1f ms (%,.1f M weights/s) | %.2fx |

                        """, file.getFileName(), Files.size(file) / 1e6, weights, layers.size(), ingested.ingestMs(),
                        onnx.length / 1e6, runs, median(storeMs), weights / median(storeMs) / 1e3, median(fileMs),
                        weights / median(fileMs) / 1e3, median(storeMs) / median(fileMs), median(storeLoadMs),
                        weights / median(storeLoadMs) / 1e3, median(fileLoadMs), weights / median(fileLoadMs) / 1e3,
                        median(storeLoadMs) / median(fileLoadMs)));

                out.append("""
                        | batch (x 11 tokens) | runs each | reassembled, cached session | original file | \
                        cached / file | reassembled inputs/s | file inputs/s |
                        |---:|---:|---:|---:|---:|---:|---:|
                        """);
                try (OrtSession cached = env.createSession(onnx, options);
                     OrtSession direct = env.createSession(file.toString(), options)) {
                    for (int batch : BATCHES) {
                        int n = Math.max(runs, 320 / batch); // about 320 inputs a side per batch size
                        double[][] t = interleaved(env, cached, direct, TokenBatch.of(TokenBatch.SENTENCE, batch), n);
                        double a = median(t[0]);
                        double b = median(t[1]);
                        out.append(String.format(Locale.ROOT, "| %d | %d | %,.2f ms | %,.2f ms | **%.3f** | %,.0f | %,.0f |%n",
                                batch, n, a, b, a / b, batch / (a / 1e3), batch / (b / 1e3)));
                    }
                }
            }
        } finally {
            ScratchDirs.delete(work);
        }
        out.append(String.format(Locale.ROOT, "%n(%d intra-op thread(s); JDK %s, %d cores, %s, load average before %s, "
                        + "after %s)%n", threads, Runtime.version(), Runtime.getRuntime().availableProcessors(),
                Machine.cpu(), loadBefore, Machine.loadAverage()));
        return out.toString();
    }

    /**
     * ModelLoader's miss path: the structure and every tensor the structure names through the contract, each
     * tensor's SHA-256 taken for the receipt, refilled into the structure.
     */
    static byte[] reassemble(ModelStore models, Model m, List<ModelLayer> layers) throws Exception {
        Map<String, ModelLayer> byName = layers.stream()
                .collect(Collectors.toMap(ModelLayer::name, Function.identity(), (a, b) -> a));
        byte[] structure = models.structure(m.modelId()).orElseThrow();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Map<String, byte[]> receipt = new HashMap<>();
        byte[] onnx = OnnxStructure.reassemble(structure, name -> {
            byte[] values = models.tensorBytes(m.modelId(), byName.get(name).layerIdx(), null);
            receipt.put(name, sha.digest(values));
            return values;
        });
        if (receipt.isEmpty()) {
            throw new IllegalStateException("the structure names no stored tensor");
        }
        return onnx;
    }

    /** Run times (ms) of a and b on the same inputs, alternating which goes first; the outputs must agree. */
    private static double[][] interleaved(OrtEnvironment env, OrtSession a, OrtSession b, TokenBatch batch, int n)
            throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : a.getInputNames()) {
                inputs.put(name, OnnxTensor.createTensor(env, batch.forInput(name)));
            }
            float[] first = output(a, inputs);
            float[] second = output(b, inputs);
            if (!Arrays.equals(first, second)) {
                throw new IllegalStateException("the reassembled model's output differs from the file's");
            }
            for (int i = 0; i < n / 2; i++) { // warm-up: both sessions' first runs allocate their arenas
                output(a, inputs);
                output(b, inputs);
            }
            double[][] times = new double[2][n];
            for (int i = 0; i < n; i++) {
                boolean aFirst = i % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    boolean runA = aFirst == (k == 0);
                    long t0 = System.nanoTime();
                    output(runA ? a : b, inputs);
                    times[runA ? 0 : 1][i] = ms(t0);
                }
            }
            return times;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The first output, flattened (MiniLM's last_hidden_state). */
    private static float[] output(OrtSession s, Map<String, OnnxTensor> inputs) throws OrtException {
        try (OrtSession.Result r = s.run(inputs)) {
            OnnxTensor t = (OnnxTensor) r.get(0);
            java.nio.FloatBuffer f = t.getFloatBuffer();
            float[] v = new float[f.remaining()];
            f.get(v);
            return v;
        }
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
