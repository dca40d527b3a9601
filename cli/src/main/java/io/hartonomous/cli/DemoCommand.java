package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.local.ScratchDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The main job, end to end on the embedded engine: storage, ingest tier and API as three processes (as in
 * production), real files ingested over HTTP, reconstructed through the API and compared bit for bit with the
 * originals, then a hybrid search, an AS OF query with a rollback dry run, a lineage walk, a stored ONNX model run on
 * a stored image (with its inference record), a deletion (the other files still reconstruct), the queues, a dry-run
 * OODA cycle and a usage report.
 * Everything it starts is stopped before it returns; its data lives in a temporary folder unless --keep-data.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole two-tier flow on the embedded engine, check it, report, stop everything.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep-data", description = "Keep the demo's data folder (printed at the end).")
    boolean keepData;

    private final List<String> failures = new ArrayList<>();
    private long started;

    /** A real third-party file from the test-data cache and the endpoint it goes to. */
    private record Sample(String relative, String kind) {
    }

    private static final List<Sample> SAMPLES = List.of(
            new Sample("images/snake.png", "image"),
            new Sample("images/pngsuite/basic/basn6a16.png", "image"),
            new Sample("audio/alsa/Front_Center.wav", "audio"),
            new Sample("models/gguf/types.gguf", "model"),
            new Sample("models/onnx/ch_ppocr_mobile_v2.0_cls_infer.onnx", "model"));

    private record Ingested(Path file, String kind, JsonNode result) {
        long atomId() {
            return result.path("atomId").asLong();
        }
    }

    @Override
    public Integer call() throws Exception {
        started = System.nanoTime();
        Layout layout = Layout.current();
        Path cache = layout.root().resolve("testdata/cache");
        for (Sample s : SAMPLES) {
            if (!Files.exists(cache.resolve(s.relative()))) {
                throw new IllegalStateException(cache.resolve(s.relative()) + " is missing: run testdata/fetch "
                        + "(./hart demo does so itself)");
            }
        }
        Path data = Files.createTempDirectory("hart-demo-");
        String key = "hk_demo_" + Long.toHexString(System.nanoTime());
        int[] ports = freePorts(3);
        System.out.printf("Hartonomous demo: storage, ingest tier and API as three processes on the embedded engine%n"
                + "  data folder %s%n%n", data);
        long t = System.nanoTime();
        try (Stack stack = Stack.start(layout, data, ports[0], ports[1], ports[2], key)) {
            System.out.printf("  started storage (H2 TCP :%d), ingest tier (:%d), API (:%d)%s%n%n", ports[0],
                    ports[1], ports[2], took(t));
            TierClient api = TierClient.of(stack.apiUrl(), key);
            List<Ingested> ingested = ingest(stack, key, cache);
            reconstruct(api, ingested);
            Ingested image = ingested.getFirst();
            search(api, image);
            asOf(api, ingested.get(3));
            lineage(api, image);
            runModel(api, ingested.get(4), ingested.get(1), ingested.get(3));
            operate(api, ingested.get(1), image);
            usage(api);
            System.out.printf("%n  stopping the three processes ...%n");
        } finally {
            if (!keepData) {
                ScratchDirs.delete(data);
            }
        }
        System.out.printf("%n%s in %.1f s%s%n", failures.isEmpty() ? "Every check passed" : "FAILED: " + failures,
                (System.nanoTime() - started) / 1e9, keepData ? " (data kept in " + data + ")" : "");
        System.out.printf("""

                Try it yourself: ./hart serve   (storage :9092, ingest :8081, API :8080; key in data/api-key)
                  curl -H "X-Api-Key: $(cat data/api-key)" --data-binary @photo.png http://localhost:8081/ingest/image
                  curl -H "X-Api-Key: $(cat data/api-key)" http://localhost:8080/api/atoms/ID/content -o copy.png
                  curl -H "X-Api-Key: $(cat data/api-key)" http://localhost:8080/api/stats
                  open http://localhost:8080/q/swagger-ui for every endpoint
                """);
        return failures.isEmpty() ? 0 : 1;
    }

    private List<Ingested> ingest(Stack stack, String key, Path cache) throws Exception {
        System.out.println("1. Ingest over HTTP (POST /ingest/{kind}: detect, SIMD atomize, dedup, chunked writes)");
        TierClient client = TierClient.of(stack.ingestUrl(), key);
        List<Ingested> done = new ArrayList<>();
        for (Sample s : SAMPLES) {
            Path file = cache.resolve(s.relative());
            long t = System.nanoTime();
            JsonNode r = client.ingest(file, s.kind(), new ProgressBar(file.getFileName().toString(), Files.size(file)));
            System.out.printf(Locale.ROOT, "   %-18s %-5s atom %-6d %,9d rows -> %,7d distinct atoms (%,d new)%s%n",
                    file.getFileName(), s.kind(), r.path("atomId").asLong(), r.path("compositions").asLong(),
                    r.path("distinctAtoms").asLong(), r.path("newAtoms").asLong(), took(t));
            done.add(new Ingested(file, s.kind(), r));
        }
        Ingested first = done.getFirst();
        long t = System.nanoTime();
        JsonNode again = client.ingest(first.file(), first.kind(), new ProgressBar("again", Files.size(first.file())));
        boolean dedup = again.path("deduplicated").asBoolean() && again.path("atomId").asLong() == first.atomId();
        check(dedup, "re-ingesting " + first.file().getFileName() + " returns the existing parent atom");
        System.out.printf("   %-18s again -> %s atom %d%s%n%n", first.file().getFileName(),
                dedup ? "deduplicated, same" : "NOT deduplicated,", again.path("atomId").asLong(), took(t));
        return done;
    }

    private void reconstruct(TierClient api, List<Ingested> ingested) throws Exception {
        System.out.println("2. Reconstruct from atoms (GET /api/atoms/{id}/content), compare with the originals");
        for (Ingested i : ingested) {
            if (i.kind().equals("model")) {
                continue;
            }
            long t = System.nanoTime();
            byte[] rebuilt = api.bytes("/api/atoms/" + i.atomId() + "/content");
            byte[] original = Files.readAllBytes(i.file());
            boolean same = i.kind().equals("image") ? SameContent.image(original, rebuilt)
                    : SameContent.wavSamples(original, rebuilt);
            check(same, i.file().getFileName() + " reconstructs bit-exact");
            System.out.printf(Locale.ROOT, "   %-18s -> %s %,d bytes, %s%s%n", i.file().getFileName(),
                    i.kind().equals("image") ? "PNG" : "WAV", rebuilt.length,
                    same ? "bit-exact (" + (i.kind().equals("image") ? "every pixel" : "every sample") + ")"
                            : "DIFFERS", took(t));
        }
        System.out.println();
    }

    private void search(TierClient api, Ingested image) throws Exception {
        System.out.println("3. Hybrid search (POST /api/search: spatial candidates, exact SIMD rerank)");
        JsonNode embeddings = api.get("/api/atoms/" + image.atomId() + "/embeddings?withVectors=true");
        check(embeddings.size() > 0, "the image has a built-in embedding");
        if (embeddings.isEmpty()) {
            return;
        }
        JsonNode e = embeddings.get(0);
        float[] vector = new float[e.path("vector").size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) e.path("vector").get(i).asDouble();
        }
        long t = System.nanoTime();
        JsonNode r = api.post("/api/search", Map.of("vector", vector, "k", 3, "mode", "hybrid",
                "embeddingType", e.path("embeddingType").asText()));
        JsonNode top = r.path("hits").path(0);
        check(top.path("atomId").asLong() == image.atomId() && top.path("distance").asDouble() == 0.0,
                "the image is its own nearest neighbour");
        System.out.printf(Locale.ROOT, "   query: %s's %s embedding (%d dims); %d candidates reranked%s%n",
                image.file().getFileName(), e.path("embeddingType").asText(), e.path("dimension").asInt(),
                r.path("candidatesReranked").asLong(), took(t));
        for (JsonNode hit : r.path("hits")) {
            System.out.printf(Locale.ROOT, "     atom %-6d distance %.4f%n", hit.path("atomId").asLong(),
                    hit.path("distance").asDouble());
        }
        System.out.println();
    }

    private void asOf(TierClient api, Ingested model) throws Exception {
        System.out.println("4. Weights AS OF a time (PATCH a weight, GET the tensor ?asOf=before, rollback dry run)");
        JsonNode models = api.get("/api/models");
        long modelId = -1;
        for (JsonNode m : models) {
            if (m.path("parentAtomId").asLong() == model.atomId()) {
                modelId = m.path("modelId").asLong();
            }
        }
        check(modelId > 0, "the model is listed");
        JsonNode tensor = null;
        for (JsonNode t : api.get("/api/models/" + modelId + "/tensors")) {
            if (t.path("storedAs").asText().equals("f32") && t.path("elementCount").asLong() > 0) {
                tensor = t;
                break;
            }
        }
        check(tensor != null, "the model has an f32 tensor");
        if (tensor == null) {
            return;
        }
        String path = "/api/models/" + modelId + "/tensors/" + tensor.path("name").asText();
        List<Long> index = new ArrayList<>();
        tensor.path("shape").forEach(d -> index.add(0L));
        float before = firstValue(api.bytes(path));
        Instant beforeTuning = Instant.now();
        Thread.sleep(5);
        float tuned = before + 1.5f;
        long t = System.nanoTime();
        api.patch(path, Map.of("updates", List.of(Map.of("index", index, "value", tuned))));
        float now = firstValue(api.bytes(path));
        float then = firstValue(api.bytes(path + "?asOf=" + beforeTuning));
        JsonNode dryRun = api.post("/api/models/" + modelId + "/rollback", Map.of("to", beforeTuning.toString(),
                "dryRun", true));
        check(now == tuned && then == before && dryRun.path("coefficientsChanged").asLong() == 1,
                "AS OF returns the weight before tuning and the dry run counts one change");
        System.out.printf(Locale.ROOT, "   %s%s: was %s, tuned to %s; asOf %s -> %s; rollback dry run: %d weight%s%n",
                tensor.path("name").asText(), index, before, now, beforeTuning, then,
                dryRun.path("coefficientsChanged").asLong(), took(t));
        System.out.println();
    }

    /** The first value of a float32 .npy (the header length is at bytes 8-9). */
    private static float firstValue(byte[] npy) {
        int headerLen = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
        return ByteBuffer.wrap(npy, 10 + headerLen, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    }

    private void lineage(TierClient api, Ingested image) throws Exception {
        System.out.println("5. Lineage (GET /api/provenance/atoms/{id}/lineage)");
        JsonNode r = api.get("/api/provenance/atoms/" + image.atomId() + "/lineage?depth=3");
        check(r.path("steps").size() > 0, "the image has recorded provenance");
        for (JsonNode step : r.path("steps")) {
            JsonNode node = step.path("node");
            System.out.printf("   depth %d  -%s->  %s %s (%d)%n", step.path("depth").asInt(),
                    step.path("relation").asText(), node.path("kind").asText(), node.path("label").asText(),
                    node.path("refId").asLong());
        }
        System.out.println();
    }

    /**
     * Runs PaddleOCR's text-direction classifier, stored as atoms, on a stored image (its pixels read from atoms in
     * the API, normalized as PaddleOCR does), twice (the second run finds the session cached), shows the inference
     * record and its receipt, and asks the GGUF model to run (refused: not runnable, with the reason).
     */
    private void runModel(TierClient api, Ingested onnx, Ingested image, Ingested gguf) throws Exception {
        System.out.println("6. Run a stored model (POST /api/models/{id}/run: reassembled from atoms, ONNX Runtime)");
        long modelId = modelOf(api, onnx);
        long ggufId = modelOf(api, gguf);
        check(modelId > 0, "the ONNX model is listed");
        Map<String, Object> body = Map.of("inputs", Map.of("x", Map.of("atom", image.atomId(),
                "mean", List.of(0.5, 0.5, 0.5), "std", List.of(0.5, 0.5, 0.5))));
        long t = System.nanoTime();
        JsonNode first = api.post("/api/models/" + modelId + "/run", body);
        String cold = took(t);
        t = System.nanoTime();
        JsonNode second = api.post("/api/models/" + modelId + "/run", body);
        String warm = took(t);
        JsonNode output = first.path("outputs").elements().hasNext() ? first.path("outputs").elements().next()
                : api.json().createObjectNode();
        double p0 = output.path("data").path(0).asDouble();
        double p1 = output.path("data").path(1).asDouble();
        check(output.path("shape").toString().equals("[1,2]") && Math.abs(p0 + p1 - 1) < 1e-4,
                "the classifier answers two probabilities that sum to 1");
        check(second.path("outputs").equals(first.path("outputs")), "a second run gives the same answer");
        System.out.printf(Locale.ROOT, "   %s on %s: P(0 deg) %.4f, P(180 deg) %.4f%n", onnx.file().getFileName(),
                image.file().getFileName(), p0, p1);
        System.out.printf("   first run (reassembled from the storage tier)%s; second (session cached)%s%n", cold, warm);
        JsonNode record = api.get("/api/inference/" + first.path("inferenceId").asLong());
        JsonNode receipt = record.path("receipt");
        check(record.path("status").asText().equals("SUCCEEDED")
                        && receipt.path("inputAtoms").path(0).asLong() == image.atomId()
                        && receipt.path("modelAtomId").asLong() == onnx.atomId(),
                "the inference record names the model file and the input image");
        System.out.printf(Locale.ROOT, "   inference %d: %s, %d units, weights as of %s, %d tensors in the receipt, "
                        + "inputs sha256 %s...%n", record.path("inferenceId").asLong(), record.path("status").asText(),
                record.path("units").asLong(), receipt.path("weightVersion").asText(),
                receipt.path("tensors").size(), receipt.path("inputSha256").asText().substring(0, 12));
        try {
            api.post("/api/models/" + ggufId + "/run", Map.of("inputs", Map.of()));
            check(false, "the GGUF model is refused as not runnable");
        } catch (TierClient.Refused refused) {
            check(refused.getMessage().contains("not runnable"), "the GGUF model is refused as not runnable");
            System.out.printf("   %s: %s%n", gguf.file().getFileName(),
                    refused.getMessage().replaceFirst("^.*?: ", ""));
        }
        System.out.println();
    }

    private static long modelOf(TierClient api, Ingested model) throws Exception {
        for (JsonNode m : api.get("/api/models")) {
            if (m.path("parentAtomId").asLong() == model.atomId()) {
                return m.path("modelId").asLong();
            }
        }
        return -1;
    }

    /** Deletes a file, shows the queues and one dry-run OODA cycle; the file kept still reconstructs. */
    private void operate(TierClient api, Ingested doomed, Ingested kept) throws Exception {
        System.out.println("7. Operations: DELETE /api/atoms/{id}, GET /api/admin/queues, POST /api/admin/ooda/cycle");
        long t = System.nanoTime();
        JsonNode job = api.delete("/api/atoms/" + doomed.atomId());
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (job.path("state").asText().equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            job = api.get("/api/jobs/" + job.path("jobId").asLong());
        }
        check(job.path("state").asText().equals("COMPLETED"), doomed.file().getFileName() + " is deleted");
        System.out.printf(Locale.ROOT, "   deleted %-18s %,d rows, %,d unshared atoms purged%s%n",
                doomed.file().getFileName(), job.path("rowsDone").asLong(), job.path("leavesPurged").asLong(), took(t));
        byte[] rebuilt = api.bytes("/api/atoms/" + kept.atomId() + "/content");
        check(SameContent.image(Files.readAllBytes(kept.file()), rebuilt),
                kept.file().getFileName() + " still reconstructs bit-exact after the deletion");
        JsonNode queues = api.get("/api/admin/queues");
        check(queues.size() > 0, "the queues are listed");
        for (JsonNode q : queues) {
            System.out.printf(Locale.ROOT, "   queue %-24s depth %,6d  oldest %,5d s  dead letters %d%n",
                    q.path("queue").asText(), q.path("depth").asLong(), q.path("oldestAgeSeconds").asLong(),
                    q.path("deadLetters").asLong());
        }
        JsonNode cycle = api.post("/api/admin/ooda/cycle", Map.of());
        check(cycle.path("dryRun").asBoolean() && !cycle.path("cycleId").asText().isBlank(),
                "an OODA cycle runs, in dry run");
        System.out.printf("   OODA cycle %s (dry run): %d observations, %d proposals%n%n",
                cycle.path("cycleId").asText(), cycle.path("observations").size(), cycle.path("proposals").size());
    }

    private void usage(TierClient api) throws Exception {
        System.out.println("8. Usage (GET /api/billing/usage?groupBy=operation): every API request is metered");
        JsonNode r = api.get("/api/billing/usage?groupBy=operation");
        check(r.path("requests").asLong() > 0, "usage was recorded");
        for (JsonNode g : r.path("groups")) {
            System.out.printf(Locale.ROOT, "   %-26s %4d requests %,10d units%n", g.path("key").asText(),
                    g.path("requests").asLong(), g.path("units").asLong());
        }
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
            System.out.println("   CHECK FAILED: " + what);
        }
    }

    private static String took(long startNanos) {
        return String.format(Locale.ROOT, "  (%.2f s)", (System.nanoTime() - startNanos) / 1e9);
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }
}
