package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The console's one HTTP client for the ingest tier and the API: JSON and bytes with an API key. A non-2xx answer
 * (or a failed ingest job) becomes a {@link Refused} naming the request, the status, the problem's title and detail.
 */
record TierClient(HttpClient http, URI base, String key, ObjectMapper json) {
    /** JSON and byte calls; uploads have no limit, a large model takes as long as it takes. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final long JOB_POLL_MS = 300;

    /** The tier answered, and said no: a non-2xx status or a job that ended FAILED. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    static TierClient of(URI base, String key) {
        return new TierClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), base, key,
                new ObjectMapper());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return parse(send(call(path).GET().build()));
    }

    byte[] bytes(String path) throws IOException, InterruptedException {
        return send(call(path).GET().build());
    }

    /** A download that may take longer than a call usually does (a large reconstruction). */
    byte[] bytes(String path, Duration timeout) throws IOException, InterruptedException {
        return send(call(path).timeout(timeout).GET().build());
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return parse(send(withJson(call(path), "POST", body)));
    }

    JsonNode put(String path, Object body) throws IOException, InterruptedException {
        return parse(send(withJson(call(path), "PUT", body)));
    }

    JsonNode patch(String path, Object body) throws IOException, InterruptedException {
        return parse(send(withJson(call(path), "PATCH", body)));
    }

    JsonNode delete(String path) throws IOException, InterruptedException {
        return parse(send(call(path).DELETE().build()));
    }

    /**
     * Posts {@code file} to {@code /ingest/{kind}} with a progress bar; a 202 (a large file atomized in the background)
     * is followed to its job until it completes. The ingest result, or the finished job's view.
     */
    JsonNode ingest(Path file, String kind, ProgressBar progress) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/ingest/" + kind + "?name="
                        + URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8)))
                .header("X-Api-Key", key).header("Content-Type", "application/octet-stream")
                .POST(progress.publisher(file)).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        progress.done();
        byte[] body = ok(request, response);
        if (response.statusCode() == 202) {
            return awaitJob(response.headers().firstValue("Location").orElseThrow(), progress);
        }
        return parse(body);
    }

    private JsonNode awaitJob(String job, ProgressBar progress) throws IOException, InterruptedException {
        while (true) {
            JsonNode state = get(job);
            progress.atomizing(state.path("bytesDone").asLong(), state.path("bytesTotal").asLong());
            switch (state.path("state").asText()) {
                case "COMPLETED" -> {
                    progress.done();
                    return state.path("result").isMissingNode() ? state : state.path("result");
                }
                case "FAILED" -> throw new Refused("ingest job " + job + " failed: " + state.path("error").asText());
                default -> Thread.sleep(JOB_POLL_MS);
            }
        }
    }

    private HttpRequest.Builder call(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_TIMEOUT).header("X-Api-Key", key);
    }

    private HttpRequest withJson(HttpRequest.Builder b, String method, Object body) throws IOException {
        return b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
    }

    private byte[] send(HttpRequest request) throws IOException, InterruptedException {
        return ok(request, http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    /** The body of a 2xx answer; otherwise a {@link Refused} with the RFC 7807 title and detail when there are. */
    private byte[] ok(HttpRequest request, HttpResponse<byte[]> response) throws Refused {
        if (response.statusCode() / 100 == 2) {
            return response.body();
        }
        String raw = new String(response.body(), StandardCharsets.UTF_8);
        String title = "";
        String detail = raw;
        try {
            JsonNode problem = json.readTree(response.body());
            if (problem != null) {
                title = problem.path("title").asText("");
                detail = problem.path("detail").asText(raw);
            }
        } catch (IOException notJson) {
            // keep the raw body
        }
        throw new Refused(request.method() + " " + request.uri().getPath() + " -> " + response.statusCode()
                + (title.isEmpty() ? "" : " " + title) + ": " + detail);
    }

    private JsonNode parse(byte[] body) throws IOException {
        return body.length == 0 ? json.createObjectNode() : json.readTree(body);
    }
}
