package io.hartonomous.ingest.atomize.model.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.model.MappedFile;
import io.hartonomous.ingest.atomize.model.ModelAtomizer;
import io.hartonomous.ingest.atomize.model.TensorReader;
import io.hartonomous.ingest.atomize.model.TensorSpec;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.ingest.detect.UnsupportedFormatException;
import io.hartonomous.kernels.DequantKernels;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GGUF v2/v3 (little-endian), parsed by hand from the memory-mapped file: header, metadata key/values (every value
 * type, arrays nested), tensor infos, alignment ({@code general.alignment}, default 32) and data offsets, all validated
 * against the file size and {@code maxHeaderBytes} before anything is emitted.
 */
public final class GgufAtomizer {
    private static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    /** Longer arrays (vocabularies) are summarised in the metadata JSON instead of copied. */
    private static final int ARRAY_PREVIEW = 64;

    private GgufAtomizer() {
    }

    public static ModelAtomizer open(Path file, IngestLimits limits, int chunkRows) throws IOException {
        return MappedFile.parse(file, mapped -> parse(mapped, limits, chunkRows));
    }

    private static ModelAtomizer parse(MappedFile mapped, IngestLimits limits, int chunkRows) {
        MemorySegment seg = mapped.segment();
        Cursor in = new Cursor(seg, Math.min(seg.byteSize(), limits.maxHeaderBytes()), limits.maxHeaderBytes());
        in.need(4, "magic");
        in.pos = 4;
        long version = in.u32("version");
        if (version == 1) {
            throw new UnsupportedFormatException("GGUF version 1 is not supported (versions 2 and 3 are)");
        }
        if (version != 2 && version != 3) {
            throw new UnsupportedFormatException("GGUF version " + version + " is not supported"
                    + (Integer.reverseBytes((int) version) == 3 ? " (a big-endian GGUF file)" : " (2 and 3 are)"));
        }
        long tensorCount = in.u64("tensor count");
        long kvCount = in.u64("metadata count");
        if (tensorCount > limits.maxTensors()) {
            throw new LimitExceededException("the GGUF declares " + tensorCount + " tensors, more than the limit of "
                    + limits.maxTensors());
        }
        if (kvCount > seg.byteSize() / 13) { // each key/value takes at least 13 bytes
            throw bad("the header declares " + kvCount + " metadata entries, more than the file can hold");
        }
        ObjectNode meta = Json.object();
        meta.put("version", version);
        ObjectNode kv = meta.putObject("metadata");
        long alignment = DEFAULT_ALIGNMENT;
        for (long i = 0; i < kvCount; i++) {
            String key = in.string("metadata key");
            long type = in.u32("value type of " + key);
            if (key.equals("general.alignment")) {
                long at = in.pos;
                JsonNode value = value(in, type, key, 0);
                if (!value.canConvertToLong() || type > 12 || type == 6 || type == 12 || type == 8 || type == 9) {
                    in.pos = at;
                    throw bad("general.alignment must be an integer");
                }
                alignment = value.asLong();
                if (alignment < 1 || alignment > (1 << 30) || Long.bitCount(alignment) != 1) {
                    throw bad("general.alignment " + alignment + " is not a power of two");
                }
                kv.set(key, value);
            } else {
                kv.set(key, value(in, type, key, 0));
            }
        }
        record Info(String name, List<Long> ne, GgmlType type, long offset) {
        }
        List<Info> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = in.string("tensor name");
            long dims = in.u32("dimension count of " + name);
            if (dims > MAX_DIMS) {
                throw bad("tensor " + name + " has " + dims + " dimensions (GGML allows at most " + MAX_DIMS + ")");
            }
            List<Long> ne = new ArrayList<>();
            for (int d = 0; d < dims; d++) {
                long n = in.u64("dimension of " + name);
                if (n < 0) {
                    throw bad("tensor " + name + " has a dimension beyond 2^63");
                }
                ne.add(n);
            }
            GgmlType type = GgmlType.byId(in.u32("type of " + name));
            long offset = in.u64("data offset of " + name);
            infos.add(new Info(name, ne, type, offset));
        }
        long dataStart = (in.pos + alignment - 1) / alignment * alignment;
        long size = seg.byteSize();
        meta.put("alignment", alignment);
        meta.put("dataStart", dataStart);

        for (Info info : infos) {
            if (!info.type.supported()) {
                throw new UnsupportedFormatException("tensor " + info.name + " has type " + info.type.name()
                        + ", which is not supported (supported: F32, F16, BF16, F64, I8-I64, Q8_0, Q4_0, Q4_1, Q5_0,"
                        + " Q5_1, Q4_K, Q5_K, Q6_K, Q8_K)");
            }
        }
        List<TensorSpec> specs = new ArrayList<>();
        record Extent(String name, long start, long end) {
        }
        List<Extent> extents = new ArrayList<>();
        for (Info info : infos) {
            List<Long> shape = new ArrayList<>(info.ne.reversed()); // GGUF lists ne[0] (innermost) first
            long elements = TensorSpec.elements(info.name, shape);
            GgmlType t = info.type;
            long inner = info.ne.isEmpty() ? 1 : info.ne.getFirst();
            if (t.quantized() && inner % t.blockValues() != 0) {
                throw bad("tensor " + info.name + " has rows of " + inner + " values, not a multiple of the "
                        + t.name() + " block of " + t.blockValues());
            }
            if (info.offset < 0 || info.offset % alignment != 0) {
                throw bad("tensor " + info.name + " has data offset " + Long.toUnsignedString(info.offset)
                        + ", not a multiple of the alignment " + alignment);
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(elements / t.blockValues(), (long) t.blockBytes());
            } catch (ArithmeticException e) {
                throw bad("tensor " + info.name + " is larger than any file");
            }
            long start = dataStart + info.offset;
            if (start < dataStart || start > size || bytes > size - start) {
                throw bad("tensor " + info.name + " needs bytes " + start + ".." + (start + bytes)
                        + " but the file has " + size + " bytes (truncated file or lying header)");
            }
            extents.add(new Extent(info.name, start, start + bytes));
            specs.add(new TensorSpec(info.name, shape, t.name(), t.storedAs(), elements, start,
                    reader(mapped, t, start)));
        }
        extents.sort(Comparator.comparingLong(Extent::start));
        for (int i = 1; i < extents.size(); i++) {
            Extent a = extents.get(i - 1);
            Extent b = extents.get(i);
            if (b.start < a.end) {
                throw bad("tensors " + a.name + " and " + b.name + " overlap in the file");
            }
        }
        String name = ModelAtomizer.ownName(kv.path("general.name").isTextual() ? kv.get("general.name").asText()
                : null);
        return new ModelAtomizer(DetectedFormat.GGUF, size, name, meta, specs, limits, chunkRows, mapped);
    }

    private static TensorReader reader(MappedFile mapped, GgmlType t, long start) {
        if (!t.quantized()) {
            return mapped.raw(start, t.blockBytes());
        }
        MemorySegment seg = mapped.segment();
        int bv = t.blockValues();
        int bb = t.blockBytes();
        String name = t.name();
        return (first, count, keys, out) -> {
            long b0 = first / bv;
            long b1 = (first + count + bv - 1) / bv;
            float[] values = new float[(int) ((b1 - b0) * bv)];
            DequantKernels.dequantize(name, seg, start + b0 * bb, (int) (b1 - b0), values, 0);
            int skip = (int) (first - b0 * bv);
            for (int i = 0; i < count; i++) {
                keys[out + i] = Float.floatToRawIntBits(values[skip + i]) & 0xFFFFFFFFL;
            }
        };
    }

    private static JsonNode value(Cursor in, long type, String key, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch ((int) Math.min(type, 99)) {
            case 0 -> f.numberNode(in.u8(key));
            case 1 -> f.numberNode((byte) in.u8(key));
            case 2 -> f.numberNode(in.u16(key));
            case 3 -> f.numberNode((short) in.u16(key));
            case 4 -> f.numberNode(in.u32(key));
            case 5 -> f.numberNode((int) in.u32(key));
            case 6 -> f.numberNode(Float.intBitsToFloat((int) in.u32(key)));
            case 7 -> {
                int b = in.u8(key);
                if (b > 1) {
                    throw bad("metadata " + key + " is a bool holding " + b);
                }
                yield f.booleanNode(b == 1);
            }
            case 8 -> f.textNode(in.string(key));
            case 9 -> {
                if (depth > 8) {
                    throw bad("metadata " + key + " nests arrays too deeply");
                }
                long elementType = in.u32(key);
                long count = in.u64(key);
                if (count < 0 || count > in.fileRemaining()) { // every element takes at least one byte
                    throw bad("metadata array " + key + " declares " + Long.toUnsignedString(count)
                            + " elements, more than the file holds");
                }
                ArrayNode values = f.arrayNode();
                for (long i = 0; i < count; i++) {
                    JsonNode v = value(in, elementType, key, depth + 1);
                    if (i < ARRAY_PREVIEW) {
                        values.add(v);
                    }
                }
                if (count <= ARRAY_PREVIEW) {
                    yield values;
                }
                ObjectNode summary = f.objectNode();
                summary.put("elementType", typeName(elementType));
                summary.put("length", count);
                summary.set("first", values);
                yield summary;
            }
            case 10 -> f.numberNode(new BigInteger(Long.toUnsignedString(in.u64(key))));
            case 11 -> f.numberNode(in.u64(key));
            case 12 -> f.numberNode(Double.longBitsToDouble(in.u64(key)));
            default -> throw bad("metadata " + key + " has unknown value type " + type);
        };
    }

    private static String typeName(long t) {
        String[] names = {"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string",
                "array", "uint64", "int64", "float64"};
        return t >= 0 && t < names.length ? names[(int) t] : "type " + t;
    }

    private static BadInputException bad(String detail) {
        return new BadInputException("invalid GGUF: " + detail);
    }

    /** Bounds-checked little-endian reads over the header region. */
    private static final class Cursor {
        private final MemorySegment seg;
        private final long limit;
        private final long maxHeader;
        long pos;

        Cursor(MemorySegment seg, long limit, long maxHeader) {
            this.seg = seg;
            this.limit = limit;
            this.maxHeader = maxHeader;
        }

        long fileRemaining() {
            return seg.byteSize() - pos;
        }

        void need(long n, String what) {
            if (n >= 0 && n <= limit - pos) {
                return;
            }
            if (n >= 0 && n <= seg.byteSize() - pos) { // present in the file, but past the header limit
                throw new LimitExceededException("the GGUF header is larger than the limit of " + maxHeader
                        + " bytes");
            }
            throw bad("the file ends inside the " + what + " at byte " + pos + " (truncated file or lying length)");
        }

        int u8(String what) {
            need(1, what);
            return seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
        }

        int u16(String what) {
            need(2, what);
            int v = seg.get(MappedFile.LE_SHORT, pos) & 0xFFFF;
            pos += 2;
            return v;
        }

        long u32(String what) {
            need(4, what);
            long v = seg.get(MappedFile.LE_INT, pos) & 0xFFFFFFFFL;
            pos += 4;
            return v;
        }

        long u64(String what) {
            need(8, what);
            long v = seg.get(MappedFile.LE_LONG, pos);
            pos += 8;
            return v;
        }

        String string(String what) {
            long n = u64(what);
            need(n, what + " (declared length " + Long.toUnsignedString(n) + ")");
            byte[] bytes = seg.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
            pos += n;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw bad("the " + what + " is not valid UTF-8");
            }
        }
    }
}
