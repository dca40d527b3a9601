package io.hartonomous.ingest.atomize.model.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.model.MappedFile;
import io.hartonomous.ingest.atomize.model.ModelAtomizer;
import io.hartonomous.ingest.atomize.model.TensorSpec;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.ingest.detect.UnsupportedFormatException;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * safetensors: an 8-byte little-endian header length (bounded by {@code maxHeaderBytes}), a JSON header (Jackson, with
 * duplicate keys rejected) and the tensors' raw little-endian bytes. Every entry's dtype, shape and data_offsets are
 * checked (in range, size = product(shape) * dtype size, no overlaps) before anything is emitted; {@code __metadata__}
 * is kept in the parent's metadata. Tensors are numbered in data-offset order (ties by name).
 */
public final class SafetensorsAtomizer {
    /** safetensors dtype -> (bytes, atom subtype). */
    private static final Map<String, Object[]> DTYPES = Map.of(
            "F64", new Object[]{8, "f64"}, "F32", new Object[]{4, "f32"}, "F16", new Object[]{2, "f16"},
            "BF16", new Object[]{2, "bf16"}, "I8", new Object[]{1, "i8"}, "I16", new Object[]{2, "i16"},
            "I32", new Object[]{4, "i32"}, "I64", new Object[]{8, "i64"}, "U8", new Object[]{1, "u8"},
            "BOOL", new Object[]{1, "bool"});

    private SafetensorsAtomizer() {
    }

    public static ModelAtomizer open(Path file, IngestLimits limits, int chunkRows) throws IOException {
        return MappedFile.parse(file, mapped -> parse(mapped, limits, chunkRows));
    }

    private static ModelAtomizer parse(MappedFile mapped, IngestLimits limits, int chunkRows)
            throws IOException {
        long size = mapped.size();
        if (size < 8) {
            throw bad("the file has " + size + " bytes, fewer than the 8-byte header length");
        }
        long headerLength = mapped.segment().get(MappedFile.LE_LONG, 0);
        if (headerLength < 0 || headerLength > limits.maxHeaderBytes()) {
            throw new LimitExceededException("the safetensors header declares " + Long.toUnsignedString(headerLength)
                    + " bytes, more than the limit of " + limits.maxHeaderBytes());
        }
        if (headerLength > size - 8) {
            throw bad("the header declares " + headerLength + " bytes but the file has only " + (size - 8)
                    + " after the length (truncated file or lying header)");
        }
        byte[] headerBytes = mapped.segment().asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(headerBytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw bad("the header is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw bad("the header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;
        ObjectNode meta = Json.object();
        record Entry(String name, String dtype, List<Long> shape, long begin, long end) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            String name = field.getKey();
            JsonNode v = field.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw bad("__metadata__ is not an object");
                }
                meta.set("metadata", v);
                continue;
            }
            if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray()
                    || !v.path("data_offsets").isArray() || v.get("data_offsets").size() != 2) {
                throw bad("tensor " + name + " lacks dtype, shape or a two-number data_offsets");
            }
            String dtype = v.get("dtype").asText();
            if (!DTYPES.containsKey(dtype)) {
                throw new UnsupportedFormatException("tensor " + name + " has dtype " + dtype
                        + ", which is not supported (supported: " + String.join(", ", DTYPES.keySet().stream()
                        .sorted().toList()) + ")");
            }
            List<Long> shape = new ArrayList<>();
            for (JsonNode d : v.get("shape")) {
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                    throw bad("tensor " + name + " has a dimension that is not a non-negative integer: " + d);
                }
                shape.add(d.asLong());
            }
            JsonNode offsets = v.get("data_offsets");
            for (JsonNode o : offsets) {
                if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
                    throw bad("tensor " + name + " has a data offset that is not a non-negative integer: " + o);
                }
            }
            entries.add(new Entry(name, dtype, shape, offsets.get(0).asLong(), offsets.get(1).asLong()));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end)
                .thenComparing(Entry::name));
        List<TensorSpec> specs = new ArrayList<>();
        long previousEnd = 0;
        String previous = null;
        for (Entry e : entries) {
            int elementBytes = (Integer) DTYPES.get(e.dtype)[0];
            long elements = TensorSpec.elements(e.name, e.shape);
            if (e.end < e.begin) {
                throw bad("tensor " + e.name + " has data_offsets [" + e.begin + ", " + e.end + "] that run backwards");
            }
            if (e.end > dataLength) {
                throw bad("tensor " + e.name + " has data_offsets [" + e.begin + ", " + e.end + "] beyond the "
                        + dataLength + " data bytes in the file (truncated file or lying header)");
            }
            long expected;
            try {
                expected = Math.multiplyExact(elements, (long) elementBytes);
            } catch (ArithmeticException x) {
                throw bad("tensor " + e.name + " is larger than any file");
            }
            if (e.end - e.begin != expected) {
                throw bad("tensor " + e.name + " has " + (e.end - e.begin) + " data bytes but shape " + e.shape
                        + " of " + e.dtype + " needs " + expected);
            }
            if (e.begin < previousEnd) {
                throw bad("tensors " + previous + " and " + e.name + " overlap in the data");
            }
            previousEnd = Math.max(previousEnd, e.end);
            previous = e.name;
            specs.add(new TensorSpec(e.name, e.shape, e.dtype, (String) DTYPES.get(e.dtype)[1], elements,
                    dataStart + e.begin, mapped.raw(dataStart + e.begin, elementBytes)));
        }
        meta.put("headerBytes", headerLength);
        String name = ModelAtomizer.ownName(meta.path("metadata").path("name").isTextual()
                ? meta.get("metadata").get("name").asText() : null);
        return new ModelAtomizer(DetectedFormat.SAFETENSORS, size, name, meta, specs, limits, chunkRows, mapped);
    }

    private static BadInputException bad(String detail) {
        return new BadInputException("invalid safetensors: " + detail);
    }
}
