package io.hartonomous.ingest.atomize.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Captured;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.Store;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expected tensors written by the test-data generators (testdata/reflib.py): values from gguf-py's dequantize, from
 * numpy, or from python3-onnx's numpy_helper.to_array, as little-endian bytes in the atom subtype's width.
 */
public record Reference(List<Tensor> tensors, byte[] blob) {
    public record Tensor(String name, String dtype, List<Long> shape, int offset, int nbytes) {
    }


    public static Reference of(Path file) throws IOException {
        JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(Path.of(file + ".ref.json")));
        List<Tensor> tensors = new ArrayList<>();
        for (JsonNode t : json.get("tensors")) {
            List<Long> shape = new ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.asLong()));
            tensors.add(new Tensor(t.get("name").asText(), t.get("dtype").asText(), shape, t.get("offset").asInt(),
                    t.get("nbytes").asInt()));
        }
        return new Reference(tensors, Files.readAllBytes(Path.of(file + ".ref.bin")));
    }

    public byte[] bytes(Tensor t) {
        return Arrays.copyOfRange(blob, t.offset, t.offset + t.nbytes);
    }

    /** Atomizes {@code file}, stores it (or captures the chunks when large) and compares every tensor. */
    public static void assertMatches(Path file, AtomizedFile f, Store store) throws IOException {
        Reference ref = of(file);
        NewModel model = f.model().orElseThrow();
        assertThat(model.layers()).extracting(ModelLayer::name)
                .containsExactlyElementsOf(ref.tensors.stream().map(Tensor::name).toList());
        boolean viaH2 = f.rows() <= Store.H2_ROWS;
        Store.Ingested in = viaH2 ? store.ingest(file, f, file.getFileName().toString()) : null;
        Captured captured = viaH2 ? null : Captured.emit(f, 0, false);
        for (int i = 0; i < ref.tensors.size(); i++) {
            Tensor t = ref.tensors.get(i);
            ModelLayer layer = model.layers().get(i);
            assertThat(layer.shape()).as("shape of %s", t.name).isEqualTo(t.shape);
            assertThat(layer.storedAs()).as("subtype of %s", t.name).isEqualTo(t.dtype);
            byte[] stored = viaH2 ? store.tensorBytes(in.modelId(), i) : captured.tensorBytes(i);
            byte[] expected = ref.bytes(t);
            assertThat(stored.length).as("bytes of %s in %s", t.name, file.getFileName()).isEqualTo(expected.length);
            if (!Arrays.equals(stored, expected)) {
                int at = Arrays.mismatch(stored, expected);
                throw new AssertionError("tensor " + t.name + " of " + file.getFileName() + " differs at byte " + at
                        + " (element " + at / Math.max(1, expected.length / Math.max(1, layer.elementCount())) + ")");
            }
        }
    }
}
