package io.hartonomous.api.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.kernels.DequantKernels;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores a GGUF file through the storage contract the way the ingest tier does (the api module cannot depend on the
 * ingest tier, a Quarkus application of its own): startJob, registerModel with the file's key/values under
 * {@code "metadata"} and {@code "format": "gguf"} (the shape of GgufAtomizer's metadataJson), one chunk of coefficient
 * rows per tensor at (x = innermost index, y = next, z = outer indices flattened), completeJob. F32 and F16 values
 * are stored as they are, Q8_0 dequantized to f32 by the same {@link DequantKernels} the ingest tier uses. Only what
 * the LLaMA test files hold is parsed (GGUF v3, little-endian, F32/F16/Q8_0).
 */
final class GgufSeed {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufSeed() {
    }

    static Model store(TenantStorage tenant, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt() != 0x46554747 || in.getInt() != 3) { // "GGUF", version 3
            throw new IllegalArgumentException(file + " is not a GGUF v3 file");
        }
        long tensorCount = in.getLong();
        long kvCount = in.getLong();
        ObjectNode meta = JSON.createObjectNode();
        meta.put("version", 3);
        ObjectNode kv = meta.putObject("metadata");
        for (long i = 0; i < kvCount; i++) {
            String key = string(in);
            kv.set(key, value(in, in.getInt()));
        }
        record Info(String name, List<Long> shape, int type, long offset) {
        }
        List<Info> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = string(in);
            int dims = in.getInt();
            List<Long> ne = new ArrayList<>();
            for (int d = 0; d < dims; d++) {
                ne.add(in.getLong());
            }
            infos.add(new Info(name, ne.reversed(), in.getInt(), in.getLong())); // ne[0] is innermost
        }
        int alignment = kv.path("general.alignment").asInt(32);
        long dataStart = (in.position() + alignment - 1L) / alignment * alignment;
        meta.put("format", "gguf");
        ArrayNode table = meta.putArray("tensors");
        List<ModelLayer> layers = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            Info t = infos.get(i);
            long n = t.shape.stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
            String dtype = switch (t.type) {
                case 0 -> "F32";
                case 1 -> "F16";
                case 8 -> "Q8_0";
                default -> throw new IllegalArgumentException("tensor type " + t.type + " is not in the test files");
            };
            String storedAs = t.type == 1 ? "f16" : "f32";
            ObjectNode row = table.addObject();
            row.put("name", t.name);
            t.shape.forEach(row.putArray("shape")::add);
            row.put("dtype", dtype).put("storedAs", storedAs).put("elements", n);
            layers.add(new ModelLayer(0, i, t.name, t.shape, dtype, storedAs, n));
        }
        String metadataJson = JSON.writeValueAsString(meta);
        AtomType fileType = AtomType.file(Modality.MODEL);
        long job = tenant.ingest().startJob(new NewJob(Modality.MODEL, file.getFileName().toString(),
                ContentHash.of(fileType, bytes), bytes.length, metadataJson, null)).job().jobId();
        Model model = tenant.ingest().registerModel(job, new NewModel(kv.path("general.name").asText(null), "gguf",
                metadataJson, layers));
        MemorySegment seg = MemorySegment.ofArray(bytes);
        for (int i = 0; i < infos.size(); i++) {
            Info t = infos.get(i);
            ModelLayer layer = layers.get(i);
            int n = (int) layer.elementCount();
            long start = dataStart + t.offset;
            byte[][] values = new byte[n][];
            if (t.type == 8) {
                float[] f = new float[n];
                DequantKernels.dequantize("Q8_0", seg, start, n / 32, f, 0);
                for (int e = 0; e < n; e++) {
                    values[e] = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(f[e]).array();
                }
            } else {
                int width = t.type == 1 ? 2 : 4;
                for (int e = 0; e < n; e++) {
                    values[e] = Arrays.copyOfRange(bytes, (int) start + e * width, (int) start + (e + 1) * width);
                }
            }
            tenant.ingest().writeChunk(job, chunk(i, layer, values, (long) bytes.length * (i + 1) / infos.size()));
        }
        tenant.ingest().completeJob(job, metadataJson);
        return model;
    }

    private static Chunk chunk(int index, ModelLayer layer, byte[][] values, long bytesDone) {
        AtomType type = AtomType.of(Modality.MODEL, layer.storedAs());
        List<Long> shape = layer.shape();
        long inner = shape.getLast();
        long next = shape.size() < 2 ? 1 : shape.get(shape.size() - 2);
        int n = values.length;
        Map<ByteBuffer, Integer> ordinals = new HashMap<>();
        List<NewAtom> atoms = new ArrayList<>();
        int[] layerIdx = new int[n];
        long[] xs = new long[n];
        long[] ys = new long[n];
        long[] zs = new long[n];
        int[] ord = new int[n];
        for (int e = 0; e < n; e++) {
            Integer o = ordinals.get(ByteBuffer.wrap(values[e]));
            if (o == null) {
                o = atoms.size();
                ordinals.put(ByteBuffer.wrap(values[e]), o);
                atoms.add(NewAtom.of(type, values[e]));
            }
            layerIdx[e] = layer.layerIdx();
            xs[e] = e % inner;
            ys[e] = (e / inner) % next;
            zs[e] = e / inner / next;
            ord[e] = o;
        }
        return new Chunk(index, atoms, null, new CoefficientBatch(n, layerIdx, xs, ys, zs, ord), bytesDone);
    }

    private static String string(ByteBuffer in) {
        byte[] b = new byte[Math.toIntExact(in.getLong())];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static JsonNode value(ByteBuffer in, int type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (type) {
            case 0 -> f.numberNode(in.get() & 0xFF);
            case 1 -> f.numberNode(in.get());
            case 2 -> f.numberNode(in.getShort() & 0xFFFF);
            case 3 -> f.numberNode(in.getShort());
            case 4 -> f.numberNode(in.getInt() & 0xFFFFFFFFL);
            case 5 -> f.numberNode(in.getInt());
            case 6 -> f.numberNode(in.getFloat());
            case 7 -> f.booleanNode(in.get() != 0);
            case 8 -> f.textNode(string(in));
            case 9 -> {
                int elementType = in.getInt();
                long count = in.getLong();
                ArrayNode array = f.arrayNode();
                for (long i = 0; i < count; i++) {
                    array.add(value(in, elementType));
                }
                yield array;
            }
            case 10, 11 -> f.numberNode(in.getLong());
            case 12 -> f.numberNode(in.getDouble());
            default -> throw new IllegalArgumentException("GGUF value type " + type);
        };
    }
}
