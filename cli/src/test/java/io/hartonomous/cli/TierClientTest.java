package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console's client against a real loopback HTTP server answering as the tiers do. */
class TierClientTest {
    private HttpServer server;
    private TierClient client;
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final AtomicInteger jobPolls = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/atoms/7", e -> answer(e, 404, "application/problem+json",
                "{\"title\":\"Not Found\",\"detail\":\"atom 7 not found\"}"));
        server.createContext("/api/broken", e -> answer(e, 500, "text/plain", "boom"));
        server.createContext("/api/echo", e -> answer(e, 200, "application/json",
                "{\"method\":\"" + e.getRequestMethod() + "\",\"body\":" + new String(e.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8) + "}"));
        server.createContext("/ingest/image", e -> {
            e.getRequestBody().readAllBytes();
            e.getResponseHeaders().add("Location", "/ingest/jobs/5");
            answer(e, 202, "application/json", "{\"jobId\":5,\"state\":\"RUNNING\"}");
        });
        server.createContext("/ingest/audio", e -> {
            e.getRequestBody().readAllBytes();
            answer(e, 201, "application/json", "{\"atomId\":11,\"deduplicated\":false}");
        });
        server.createContext("/ingest/model", e -> {
            e.getRequestBody().readAllBytes();
            e.getResponseHeaders().add("Location", "/ingest/jobs/6");
            answer(e, 202, "application/json", "{\"jobId\":6,\"state\":\"RUNNING\"}");
        });
        server.createContext("/ingest/jobs/5", e -> answer(e, 200, "application/json", jobPolls.incrementAndGet() < 3
                ? "{\"state\":\"RUNNING\",\"bytesDone\":1,\"bytesTotal\":4}"
                : "{\"state\":\"COMPLETED\",\"atomId\":42,\"bytesDone\":4,\"bytesTotal\":4}"));
        server.createContext("/ingest/jobs/6", e -> answer(e, 200, "application/json",
                "{\"state\":\"FAILED\",\"error\":\"not a GGUF file\"}"));
        server.start();
        client = TierClient.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "hk_test");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange e, int status, String type, String body) throws IOException {
        keys.add(String.valueOf(e.getRequestHeaders().getFirst("X-Api-Key")));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", type);
        e.sendResponseHeaders(status, bytes.length);
        e.getResponseBody().write(bytes);
        e.close();
    }

    @Test
    void aRefusalNamesTheRequestTheStatusAndTheProblem() {
        assertThatThrownBy(() -> client.get("/api/atoms/7")).isInstanceOf(TierClient.Refused.class)
                .hasMessage("GET /api/atoms/7 -> 404 Not Found: atom 7 not found");
        assertThatThrownBy(() -> client.post("/api/broken", Map.of("k", 1))).isInstanceOf(TierClient.Refused.class)
                .hasMessage("POST /api/broken -> 500: boom");
    }

    @Test
    void jsonGoesOutWithTheKeyAndComesBackParsed() throws Exception {
        JsonNode put = client.put("/api/echo", Map.of("k", 3));
        assertThat(put.path("method").asText()).isEqualTo("PUT");
        assertThat(put.path("body").path("k").asInt()).isEqualTo(3);
        assertThat(client.patch("/api/echo", List.of(1, 2)).path("method").asText()).isEqualTo("PATCH");
        assertThat(keys).isNotEmpty().allMatch("hk_test"::equals);
    }

    @Test
    void ingestFollowsABackgroundJobUntilItCompletes(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("a.png"), new byte[] {1, 2, 3, 4});
        JsonNode done = client.ingest(file, "image", new ProgressBar("a.png", 4));
        assertThat(done.path("atomId").asLong()).isEqualTo(42);
        assertThat(jobPolls.get()).isEqualTo(3);
        assertThat(client.ingest(file, "audio", new ProgressBar("a.png", 4)).path("atomId").asLong()).isEqualTo(11);
        assertThatThrownBy(() -> client.ingest(file, "model", new ProgressBar("a.png", 4)))
                .isInstanceOf(TierClient.Refused.class).hasMessage("ingest job /ingest/jobs/6 failed: not a GGUF file");
        assertThat(keys).allMatch("hk_test"::equals);
    }
}
