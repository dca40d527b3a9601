package io.hartonomous.formats.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real third-party files fetched by {@code testdata/fetch} into {@code testdata/cache/}, and the reference tables it
 * wrote beside them with an independent decoder (python3-onnx's numpy_helper): {@code NAME.ref.json} + {@code .bin}.
 */
final class TestData {
    private TestData() {
    }

    static Path cache() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testdata/fetch"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            fail("cannot find the repository root (no testdata/fetch above " + Path.of("").toAbsolutePath() + ")");
        }
        Path cache = dir.resolve("testdata/cache");
        if (!Files.exists(cache.resolve("MANIFEST.sha256"))) {
            fail("the test-data cache " + cache + " is missing: run testdata/fetch (./hart test does) first");
        }
        return cache;
    }

    static List<Path> files(String relativeDir, String suffix) {
        try (Stream<Path> s = Files.list(cache().resolve(relativeDir))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A reference tensor: atom subtype, shape, values (little-endian, row-major). */
    record Ref(String dtype, List<Long> shape, byte[] data) {
    }

    /** The reference tensors of {@code model}, by name in file order; null when the refs skipped one. */
    static Map<String, Ref> refs(Path model) throws IOException {
        if (Files.exists(Path.of(model + ".ref.unsupported"))) {
            return null;
        }
        JsonNode table = new ObjectMapper().readTree(Path.of(model + ".ref.json").toFile());
        byte[] blob = Files.readAllBytes(Path.of(model + ".ref.bin"));
        Map<String, Ref> refs = new LinkedHashMap<>();
        for (JsonNode t : table.get("tensors")) {
            int offset = t.get("offset").asInt();
            List<Long> shape = new java.util.ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.asLong()));
            refs.put(t.get("name").asText(), new Ref(t.get("dtype").asText(), shape,
                    Arrays.copyOfRange(blob, offset, offset + t.get("nbytes").asInt())));
        }
        return refs;
    }
}
