package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.local.BootstrapKeys;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP half of {@code ./hart bench inference}: the model ingested over HTTP into {@code ./hart serve}'s three
 * processes, then {@code POST /api/models/{id}/run} as a client runs it — the first run (the API reassembles the model
 * from the storage process and creates the session), then cached runs, each timed by the client and, from its
 * inference record, by the API itself (the session run alone), so the difference is what the request costs beside
 * the model: HTTP, JSON both ways, the weight version lookup, the inference record and its receipt (a row per tensor
 * the model read) written to the storage process, and metering.
 */
final class InferenceHttpBench {
    /** "[CLS] the quick brown fox jumps over the lazy dog [SEP]": the in-process half's sentence. */
    private static final long[] SENTENCE = {101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 102};

    private final Layout layout;
    private final Path model;
    private final int runs;

    InferenceHttpBench(Layout layout, Path model, int runs) {
        this.layout = layout;
        this.model = model;
        this.runs = runs;
    }

    String run() throws Exception {
        String loadBefore = Machine.loadAverage();
        Path data = Files.createTempDirectory("hart-bench-inference-http");
        try (Stack stack = Stack.start(layout, data, ApiBenchCommand.freePort(), ApiBenchCommand.freePort(),
                ApiBenchCommand.freePort(), BootstrapKeys.generate())) {
            TierClient ingestTier = TierClient.of(stack.ingestUrl(), stack.apiKey());
            TierClient api = TierClient.of(stack.apiUrl(), stack.apiKey());
            long t0 = System.nanoTime();
            JsonNode ingested = ingestTier.ingest(model, "model", new ProgressBar(model.getFileName().toString(),
                    Files.size(model)));
            double ingestSeconds = (System.nanoTime() - t0) / 1e9;
            long modelId = -1;
            for (JsonNode m : api.get("/api/models")) {
                if (m.path("parentAtomId").asLong() == ingested.path("atomId").asLong()) {
                    modelId = m.path("modelId").asLong();
                }
            }
            if (modelId < 0) {
                throw new IllegalStateException("the ingested model is not listed");
            }
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, """
                    %s ingested over HTTP in %,.1f s (until its job completed).

                    | batch (x 11 tokens) | first run (reassembly + session + run), client | cached run, client \
                    (median of %d) | of which the session run (record's durationMs) | outside the session run |
                    |---:|---:|---:|---:|---:|
                    """, model.getFileName(), ingestSeconds, runs));
            String path = "/api/models/" + modelId + "/run";
            boolean first = true;
            for (int batch : new int[] {1, 8}) {
                Map<String, Object> body = body(batch);
                long c0 = System.nanoTime();
                api.post(path, body);
                double cold = (System.nanoTime() - c0) / 1e6;
                List<Double> client = new ArrayList<>();
                List<Double> server = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    long r0 = System.nanoTime();
                    JsonNode r = api.post(path, body);
                    client.add((System.nanoTime() - r0) / 1e6);
                    server.add(api.get("/api/inference/" + r.path("inferenceId").asLong()).path("durationMs")
                            .asDouble());
                }
                double c = median(client);
                double s = median(server);
                table.append(String.format(Locale.ROOT, "| %d | %s | %,.1f ms | %,.0f ms | %.0f %% |%n", batch,
                        first ? String.format(Locale.ROOT, "%,.0f ms", cold) : "(cached)", c, s,
                        100 * (c - s) / c));
                first = false;
            }
            table.append(String.format(Locale.ROOT, "%nLoad average before %s, after %s; %d cores (%s), JDK %s.%n",
                    loadBefore, Machine.loadAverage(), Runtime.getRuntime().availableProcessors(), Machine.cpu(),
                    Runtime.version()));
            return table.toString();
        } finally {
            ScratchDirs.delete(data);
        }
    }

    private static Map<String, Object> body(int batch) {
        List<Long> ids = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            Arrays.stream(SENTENCE).forEach(ids::add);
        }
        List<Long> ones = Collections.nCopies(ids.size(), 1L);
        List<Long> zeros = Collections.nCopies(ids.size(), 0L);
        List<Integer> shape = List.of(batch, SENTENCE.length);
        return Map.of("inputs", Map.of(
                "input_ids", Map.of("dtype", "int64", "shape", shape, "data", ids),
                "attention_mask", Map.of("dtype", "int64", "shape", shape, "data", ones),
                "token_type_ids", Map.of("dtype", "int64", "shape", shape, "data", zeros)));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
