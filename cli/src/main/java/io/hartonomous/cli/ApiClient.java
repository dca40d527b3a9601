package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON and bytes over HTTP with an API key; a non-2xx answer becomes an exception carrying the problem's detail. */
record ApiClient(HttpClient http, URI base, String key, ObjectMapper json) {

    static ApiClient of(URI base, String key) {
        return new ApiClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), base, key,
                new ObjectMapper());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return json.readTree(send(request(path).GET().build()));
    }

    byte[] bytes(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return json.readTree(send(withJson(request(path), "POST", body)));
    }

    JsonNode patch(String path, Object body) throws IOException, InterruptedException {
        return json.readTree(send(withJson(request(path), "PATCH", body)));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).header("X-Api-Key", key);
    }

    private HttpRequest withJson(HttpRequest.Builder b, String method, Object body) throws IOException {
        return b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
    }

    private byte[] send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            String detail = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            try {
                detail = json.readTree(response.body()).path("detail").asText(detail);
            } catch (IOException notJson) {
                // keep the raw body
            }
            throw new IOException(request.method() + " " + request.uri().getPath() + " -> " + response.statusCode()
                    + ": " + detail);
        }
        return response.body();
    }
}
