package io.hartonomous.storage.engine.segments;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.models.ModelLayer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Real files fetched by {@code testdata/fetch} into {@code testdata/cache}, cut into chunks as the ingest tier cuts
 * them (65,536 positions, each chunk's distinct values numbered in order of first appearance), for the tests of
 * segments on both engines.
 */
public final class RealFiles {
    public static final int CHUNK = 65_536;
    public static final AtomType RGBA8 = AtomType.of(Modality.IMAGE, "rgba8");

    private RealFiles() {
    }

    public static Path file(String relative) {
        String override = System.getenv("HART_TESTDATA_CACHE");
        Path cache = override != null ? Path.of(override) : Path.of("..", "testdata", "cache");
        Path file = cache.resolve(relative).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("test file " + file + " is missing: run testdata/fetch");
        }
        return file;
    }

    /** An image's pixels in row order (ARGB as ImageIO gives them) and its width. */
    public record Image(int width, int height, long[] pixels) {
        public long x(long s) {
            return s % width;
        }

        public long y(long s) {
            return s / width;
        }
    }

    public static Image image(String relative) throws IOException {
        BufferedImage image = ImageIO.read(file(relative).toFile());
        long[] keys = new long[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                keys[y * image.getWidth() + x] = image.getRGB(x, y) & 0xFFFFFFFFL;
            }
        }
        return new Image(image.getWidth(), image.getHeight(), keys);
    }

    /** One chunk's rows and its distinct values in ordinal order. */
    public record Cut(CompositionBatch rows, long[] distinct) {
    }

    /** Chunks of the values {@code keys}, position s at ({@code x(s)}, {@code y(s)}). */
    public static List<Cut> cut(long[] keys, LongUnaryOperator x, LongUnaryOperator y) {
        List<Cut> out = new ArrayList<>();
        for (int first = 0; first < keys.length; first += CHUNK) {
            int n = Math.min(CHUNK, keys.length - first);
            long[] seq = new long[n];
            long[] xs = new long[n];
            long[] ys = new long[n];
            int[] ordinal = new int[n];
            Map<Long, Integer> distinct = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                long s = first + i;
                seq[i] = s;
                xs[i] = x.applyAsLong(s);
                ys[i] = y.applyAsLong(s);
                ordinal[i] = distinct.computeIfAbsent(keys[first + i], k -> distinct.size());
            }
            out.add(new Cut(new CompositionBatch(n, seq, xs, ys, ordinal),
                    distinct.keySet().stream().mapToLong(Long::longValue).toArray()));
        }
        return out;
    }

    /** An image pixel as the rgba8 atom of its ARGB value (the bytes R, G, B, A). */
    public static NewAtom pixelAtom(long argb) {
        int v = (int) argb;
        return NewAtom.of(RGBA8, new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v, (byte) (v >>> 24)});
    }

    /** The image as the contract's chunks, numbered from 0, with rgba8 atoms. */
    public static List<Chunk> imageChunks(Image image) {
        List<Chunk> chunks = new ArrayList<>();
        List<Cut> cuts = cut(image.pixels(), image::x, image::y);
        for (int c = 0; c < cuts.size(); c++) {
            List<NewAtom> atoms = new ArrayList<>();
            for (long v : cuts.get(c).distinct()) {
                atoms.add(pixelAtom(v));
            }
            chunks.add(new Chunk(c, atoms, cuts.get(c).rows(), null, (long) (c + 1) * CHUNK));
        }
        return chunks;
    }

    /** The 16-bit samples of a PCM WAV file, in file order (frames of interleaved channels), and the channel count. */
    public record Samples(int channels, long[] samples) {
    }

    public static Samples wav16(String relative) throws IOException {
        byte[] wav = Files.readAllBytes(file(relative));
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int channels = 0;
        long[] samples = null;
        for (int p = 12; p + 8 <= wav.length; ) {
            String id = new String(wav, p, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = b.getInt(p + 4);
            if (id.equals("fmt ")) {
                channels = b.getShort(p + 10);
                if (b.getShort(p + 22) != 16) {
                    throw new IllegalStateException(relative + " is not 16-bit PCM");
                }
            } else if (id.equals("data")) {
                samples = new long[size / 2];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = b.getShort(p + 8 + 2 * i) & 0xFFFF;
                }
            }
            p += 8 + size + (size & 1);
        }
        if (channels == 0 || samples == null) {
            throw new IllegalStateException(relative + " has no fmt or data chunk");
        }
        return new Samples(channels, samples);
    }

    /**
     * One tensor of a safetensors file: its header entry and its elements' bytes as stored (little-endian, the
     * canonical bytes of the atoms they become for the fixed-size types used here).
     */
    public record Tensor(String name, String dtype, List<Long> shape, int elementBytes, byte[] data) {
        public long elements() {
            return data.length / elementBytes;
        }

        public byte[] element(long i) {
            int from = Math.toIntExact(i * elementBytes);
            return Arrays.copyOfRange(data, from, from + elementBytes);
        }

        public AtomType type() {
            return AtomType.of(Modality.MODEL, dtype.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static final Map<String, Integer> SAFETENSORS_SIZES = Map.of("F64", 8, "F32", 4, "F16", 2, "BF16", 2,
            "I64", 8, "I32", 4, "I16", 2, "I8", 1, "U8", 1, "BOOL", 1);

    /** The tensors of a safetensors file in file order (header: 8-byte little-endian length, then JSON). */
    public static List<Tensor> safetensors(String relative) throws IOException {
        byte[] file = Files.readAllBytes(file(relative));
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(file, 8, Math.toIntExact(headerLength),
                StandardCharsets.UTF_8));
        int base = 8 + Math.toIntExact(headerLength);
        List<Tensor> tensors = new ArrayList<>();
        Map<Tensor, Integer> offset = new java.util.IdentityHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            String dtype = e.getValue().get("dtype").asText();
            Integer size = SAFETENSORS_SIZES.get(dtype);
            if (size == null) {
                throw new IllegalStateException(relative + ": " + e.getKey() + " has dtype " + dtype);
            }
            List<Long> shape = new ArrayList<>();
            e.getValue().get("shape").forEach(d -> shape.add(d.asLong()));
            JsonNode offsets = e.getValue().get("data_offsets");
            Tensor t = new Tensor(e.getKey(), dtype, List.copyOf(shape), size, Arrays.copyOfRange(file,
                    base + offsets.get(0).asInt(), base + offsets.get(1).asInt()));
            tensors.add(t);
            offset.put(t, offsets.get(0).asInt());
        }
        // File order is data order; the header is a JSON object, whose keys need not follow it.
        tensors.sort(java.util.Comparator.comparingInt(offset::get));
        return tensors;
    }

    /** The model's tensor table for {@code NewModel}: layer i is the file's tensor i. */
    public static List<ModelLayer> layers(List<Tensor> tensors) {
        List<ModelLayer> layers = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            layers.add(new ModelLayer(0, i, t.name(), t.shape(), t.dtype(), t.dtype().toLowerCase(java.util.Locale.ROOT),
                    t.elements()));
        }
        return layers;
    }

    /**
     * The tensors' elements as the ingest tier's model atomizer emits them: the tensors' elements one after another
     * in tensor order cut into chunks of {@code chunk} rows (a chunk may span tensors), each row at (x innermost, y
     * next, z the rest flattened), each chunk's distinct values numbered in order of first appearance.
     */
    public static List<Chunk> modelChunks(List<Tensor> tensors, int chunk) {
        long total = 0;
        for (Tensor t : tensors) {
            total += t.elements();
        }
        List<Chunk> chunks = new ArrayList<>();
        int tensor = 0;
        long inTensor = 0;
        for (long first = 0; first < total; first += chunk) {
            int n = (int) Math.min(chunk, total - first);
            int[] layer = new int[n];
            long[] xs = new long[n];
            long[] ys = new long[n];
            long[] zs = new long[n];
            int[] ordinal = new int[n];
            Map<String, Map<ByteBuffer, Integer>> distinct = new java.util.HashMap<>();
            List<NewAtom> atoms = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                while (inTensor >= tensors.get(tensor).elements()) {
                    tensor++;
                    inTensor = 0;
                }
                Tensor t = tensors.get(tensor);
                long inner = t.shape().isEmpty() ? 1 : t.shape().getLast();
                long next = t.shape().size() < 2 ? 1 : t.shape().get(t.shape().size() - 2);
                layer[i] = tensor;
                xs[i] = inTensor % inner;
                ys[i] = inTensor / inner % next;
                zs[i] = inTensor / inner / next;
                byte[] value = t.element(inTensor);
                final Tensor owner = t;
                ordinal[i] = distinct.computeIfAbsent(t.dtype(), k -> new java.util.HashMap<>())
                        .computeIfAbsent(ByteBuffer.wrap(value), k -> {
                            atoms.add(NewAtom.of(owner.type(), value));
                            return atoms.size() - 1;
                        });
                inTensor++;
            }
            chunks.add(new Chunk(chunks.size(), atoms, null, new CoefficientBatch(n, layer, xs, ys, zs, ordinal),
                    first + n));
        }
        return chunks;
    }
}
