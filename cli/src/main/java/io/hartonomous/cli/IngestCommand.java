package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Posts files to a running ingest tier with a progress bar; waits for long jobs to finish. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Post files to the ingest tier (kind from --kind, else guessed by the server from the bytes).")
final class IngestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Option(names = "--url", defaultValue = "http://localhost:8081", description = "Ingest tier (default ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--kind", description = "image, audio or model (default: from the file's magic bytes)")
    String kind;

    @Option(names = "--api-key", description = "Key with scope ingest (default: $HART_API_KEY or data/api-key)")
    String apiKey;

    @Override
    public Integer call() throws Exception {
        String key = apiKey != null ? apiKey : ApiKeys.bootstrap(Layout.current().dataDir());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int failures = 0;
        for (Path file : files) {
            try {
                JsonNode result = new IngestClient(http, url, key).ingest(file,
                        kind != null ? kind : KindGuess.of(file), new ProgressBar(file.getFileName().toString(),
                                Files.size(file)));
                System.out.printf(Locale.ROOT, "%s  atom %s  %s  distinct %d  new %d  compositions %d%n",
                        file.getFileName(), result.path("atomId").asText(), result.path("contentHash").asText(),
                        result.path("distinctAtoms").asLong(), result.path("newAtoms").asLong(),
                        result.path("compositions").asLong());
            } catch (IngestClient.IngestFailure e) {
                failures++;
                System.err.println(file.getFileName() + ": " + e.getMessage());
            } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
                System.err.println("cannot reach the ingest tier at " + url + " (" + e.getClass().getSimpleName()
                        + "): is it running? './hart serve' starts it");
                return 1;
            } catch (IOException e) {
                failures++;
                System.err.println(file.getFileName() + ": the ingest tier at " + url + " broke off the upload ("
                        + e.getMessage() + "); see its log");
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** Which endpoint to post to when the user does not say: a cheap look at the magic bytes. */
    static final class KindGuess {
        private KindGuess() {
        }

        static String of(Path file) throws IOException {
            byte[] head = new byte[16];
            try (var in = Files.newInputStream(file)) {
                int n = in.readNBytes(head, 0, head.length);
                String ascii = new String(head, 0, n, StandardCharsets.ISO_8859_1);
                if (ascii.startsWith("RIFF") || ascii.startsWith("RF64") || ascii.startsWith("fLaC")
                        || ascii.startsWith("OggS")) {
                    return "audio";
                }
                if (ascii.startsWith("GGUF") || file.toString().endsWith(".onnx")
                        || file.toString().endsWith(".safetensors")) {
                    return "model";
                }
                return "image";
            }
        }
    }

    /** A small HTTP client for the ingest endpoint. */
    record IngestClient(HttpClient http, URI base, String key) {
        static final class IngestFailure extends Exception {
            IngestFailure(String message) {
                super(message);
            }
        }

        JsonNode ingest(Path file, String kind, ProgressBar progress) throws IOException, InterruptedException,
                IngestFailure {
            URI target = base.resolve("/ingest/" + kind + "?name="
                    + URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(target).header("X-Api-Key", key)
                    .header("Content-Type", "application/octet-stream")
                    .POST(progress.publisher(file)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            progress.done();
            JsonNode body = parse(response.body());
            if (response.statusCode() == 202) {
                return awaitJob(base.resolve(response.headers().firstValue("Location").orElseThrow()), progress);
            }
            if (response.statusCode() / 100 != 2) {
                throw new IngestFailure(response.statusCode() + " " + body.path("title").asText("") + ": "
                        + body.path("detail").asText(response.body()));
            }
            return body;
        }

        private JsonNode awaitJob(URI job, ProgressBar progress) throws IOException, InterruptedException,
                IngestFailure {
            while (true) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(job).header("X-Api-Key", key).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode state = parse(r.body());
                progress.atomizing(state.path("bytesDone").asLong(), state.path("bytesTotal").asLong());
                switch (state.path("state").asText()) {
                    case "COMPLETED" -> {
                        progress.done();
                        return state.path("result").isMissingNode() ? state : state.path("result");
                    }
                    case "FAILED" -> throw new IngestFailure("failed: " + state.path("error").asText());
                    default -> Thread.sleep(300);
                }
            }
        }

        private static JsonNode parse(String body) throws IOException {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        }
    }
}
