package io.hartonomous.api.testing;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seeds the storage through the contract the way an ingest does (startJob → writeChunk… → completeJob), from real
 * files and their independent references: an image's pixels from ImageMagick's RGBA16 dump, audio samples from sox's
 * raw dump. The API under test then has to reconstruct the originals from atoms it did not write.
 */
public final class Seed {
    private static final int CHUNK_ROWS = 16_384;

    private final StorageEngine engine;

    public Seed(StorageEngine engine) {
        this.engine = engine;
    }

    /** What an image looks like on disk (from its PNG IHDR). */
    public record PngInfo(int width, int height, int bitDepth, int colourType) {
        public boolean sixteenBit() {
            return bitDepth == 16;
        }

        public static PngInfo read(Path png) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(png)).order(ByteOrder.BIG_ENDIAN);
            return new PngInfo(b.getInt(16), b.getInt(20), b.get(24), b.get(25));
        }
    }

    /** A file's leaf values in sequence order, as an atomizer would produce them, with the parent's metadata. */
    public record Media(Modality modality, AtomType type, byte[] values, int valueBytes, String metadataJson,
                        Position x, Position y) {
        public long rows() {
            return values.length / valueBytes;
        }
    }

    /** Where row {@code i} sits (x or y). */
    public interface Position {
        long of(long row);
    }

    /** A PNG as the image atomizer sees it: rgba16 for 16-bit sources, rgba8 otherwise (pixels from ImageMagick). */
    public static Media imageMedia(Path png) throws IOException {
        PngInfo info = PngInfo.read(png);
        byte[] ref = Files.readAllBytes(Path.of(png + ".rgba16"));
        int pixels = info.width() * info.height();
        boolean sixteen = info.sixteenBit();
        int vb = sixteen ? 8 : 4;
        byte[] values = new byte[pixels * vb];
        for (int i = 0; i < pixels * 4; i++) {
            if (sixteen) {
                values[2 * i] = ref[2 * i];
                values[2 * i + 1] = ref[2 * i + 1];
            } else {
                values[i] = ref[2 * i + 1]; // the high byte of v * 257 is v
            }
        }
        String meta = "{\"format\":\"png\",\"width\":" + info.width() + ",\"height\":" + info.height()
                + ",\"bitDepth\":" + info.bitDepth() + ",\"subtype\":\"" + (sixteen ? "rgba16" : "rgba8") + "\"}";
        int width = info.width();
        return new Media(Modality.IMAGE, AtomType.of(Modality.IMAGE, sixteen ? "rgba16" : "rgba8"), values, vb, meta,
                i -> i % width, i -> i / width);
    }

    /** Seeds a PNG as the image atomizer would. Returns the parent atom id. */
    public long image(String tenant, Path png) throws IOException {
        return write(tenant, png, imageMedia(png));
    }

    /** A WAV's format as its header states it. */
    public record WavInfo(int formatTag, int channels, long sampleRate, int bitsPerSample, int validBits,
                          long channelMask, boolean extensible) {
        public boolean floating() {
            return formatTag == 3;
        }

        public String subtype() {
            return floating() ? (bitsPerSample == 64 ? "float64" : "float32") : "pcm" + bitsPerSample;
        }

        public static WavInfo read(byte[] file) {
            ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            int at = 12;
            while (at + 8 <= file.length) {
                String id = new String(file, at, 4, java.nio.charset.StandardCharsets.US_ASCII);
                int size = b.getInt(at + 4);
                if (id.equals("fmt ")) {
                    int tag = b.getShort(at + 8) & 0xFFFF;
                    int channels = b.getShort(at + 10) & 0xFFFF;
                    long rate = b.getInt(at + 12) & 0xFFFFFFFFL;
                    int bits = b.getShort(at + 22) & 0xFFFF;
                    if (tag == 0xFFFE) {
                        return new WavInfo(b.getShort(at + 32) & 0xFFFF, channels, rate, bits,
                                b.getShort(at + 26) & 0xFFFF, b.getInt(at + 28) & 0xFFFFFFFFL, true);
                    }
                    return new WavInfo(tag, channels, rate, bits, bits, 0, false);
                }
                at += 8 + size + (size & 1);
            }
            throw new IllegalArgumentException("no fmt chunk");
        }
    }

    /** A WAV as the audio atomizer sees it: one value per sample, interleaved (samples from sox's raw dump). */
    public static Media audioMedia(Path wav) throws IOException {
        WavInfo info = WavInfo.read(Files.readAllBytes(wav));
        byte[] raw = Files.readAllBytes(Path.of(wav + ".raw"));
        int vb = info.bitsPerSample() / 8;
        int channels = info.channels();
        long frames = raw.length / ((long) vb * channels);
        String meta = "{\"format\":\"wav\",\"sampleRate\":" + info.sampleRate() + ",\"channels\":" + channels
                + ",\"bitsPerSample\":" + info.bitsPerSample() + ",\"validBitsPerSample\":" + info.validBits()
                + ",\"encoding\":\"" + (info.floating() ? "float" : "pcm") + "\",\"extensible\":" + info.extensible()
                + (info.extensible() ? ",\"channelMask\":" + info.channelMask() : "") + ",\"frames\":" + frames
                + ",\"subtype\":\"" + info.subtype() + "\"}";
        return new Media(Modality.AUDIO, AtomType.of(Modality.AUDIO, info.subtype()), raw, vb, meta,
                i -> i / channels, i -> i % channels);
    }

    /** Seeds a WAV as the audio atomizer would. Returns the parent atom id. */
    public long audio(String tenant, Path wav) throws IOException {
        return write(tenant, wav, audioMedia(wav));
    }

    private long write(String tenant, Path file, Media media) throws IOException {
        Modality modality = media.modality();
        String meta = media.metadataJson();
        AtomType type = media.type();
        byte[] values = media.values();
        int valueBytes = media.valueBytes();
        TenantStorage t = engine.forTenant(tenant);
        byte[] bytes = Files.readAllBytes(file);
        MessageDigest digest = ContentHash.newDigest(AtomType.file(modality));
        digest.update(bytes);
        JobStart start = t.ingest().startJob(new NewJob(modality, file.getFileName().toString(),
                ContentHash.finish(digest), bytes.length, meta, null));
        if (start.deduplicated()) {
            return start.parent().atomId();
        }
        long job = start.job().jobId();
        int rows = values.length / valueBytes;
        int chunkIndex = 0;
        for (int from = 0; from < rows; from += CHUNK_ROWS, chunkIndex++) {
            int n = Math.min(CHUNK_ROWS, rows - from);
            Map<ByteBuffer, Integer> ordinals = new HashMap<>();
            List<NewAtom> atoms = new ArrayList<>();
            long[] seq = new long[n];
            long[] xs = new long[n];
            long[] ys = new long[n];
            int[] ord = new int[n];
            for (int i = 0; i < n; i++) {
                int row = from + i;
                byte[] v = java.util.Arrays.copyOfRange(values, row * valueBytes, (row + 1) * valueBytes);
                Integer o = ordinals.get(ByteBuffer.wrap(v));
                if (o == null) {
                    o = atoms.size();
                    ordinals.put(ByteBuffer.wrap(v), o);
                    atoms.add(NewAtom.of(type, v));
                }
                seq[i] = row;
                xs[i] = media.x().of(row);
                ys[i] = media.y().of(row);
                ord[i] = o;
            }
            t.ingest().writeChunk(job, new Chunk(chunkIndex, atoms, new CompositionBatch(n, seq, xs, ys, ord), null,
                    (long) bytes.length * (from + n) / rows));
        }
        t.ingest().completeJob(job, meta);
        return start.parent().atomId();
    }

    /** One tensor of a model to seed: values in C order, as the subtype's little-endian bytes. */
    public record Tensor(String name, List<Long> shape, String dtype, String storedAs, byte[][] values) {
    }

    /** Seeds a model with the given tensors (a fresh random file hash, so every call is a new model). */
    public Model model(String tenant, String name, List<Tensor> tensors) {
        TenantStorage t = engine.forTenant(tenant);
        byte[] fileBytes = new byte[64];
        new java.util.Random().nextBytes(fileBytes);
        long job = t.ingest().startJob(new NewJob(Modality.MODEL, name, ContentHash.of(AtomType.file(Modality.MODEL),
                fileBytes), 64, "{\"format\":\"test\"}", null)).job().jobId();
        return writeModel(t, job, name, "test", "{\"general.name\":\"" + name + "\"}", tensors, null);
    }

    /**
     * Seeds a real model file as the model atomizer would: its hash, its tensors as python3-onnx / numpy decoded them
     * ({@code FILE.ref.json} + {@code .ref.bin}, written by testdata/fetch), the given metadata and structure (null:
     * not runnable). A file some tenant stored already is only owned by this one as well (deduplicated), as an
     * ingest does.
     */
    public Model modelFile(String tenant, Path file, String format, String metadataJson, byte[] structure)
            throws IOException {
        TenantStorage t = engine.forTenant(tenant);
        byte[] bytes = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        JobStart start = t.ingest().startJob(new NewJob(Modality.MODEL, name,
                ContentHash.of(AtomType.file(Modality.MODEL), bytes), bytes.length, metadataJson, null));
        if (start.deduplicated()) {
            long parent = start.parent().atomId();
            return t.models().list().stream().filter(m -> m.parentAtomId() == parent).findFirst().orElseThrow();
        }
        return writeModel(t, start.job().jobId(), name, format, metadataJson, refTensors(file), structure);
    }

    /** A seeded ONNX file: its structure stripped as the ingest tier strips it, its tensors from the references. */
    public Model onnx(String tenant, Path file) throws IOException {
        byte[] structure = io.hartonomous.formats.onnx.OnnxStructure.strip(
                java.lang.foreign.MemorySegment.ofArray(Files.readAllBytes(file)));
        return modelFile(tenant, file, "onnx", "{\"format\":\"onnx\",\"runnable\":true}", structure);
    }

    /** The tensors of {@code FILE.ref.json} + {@code .ref.bin}, one value per element. */
    public static List<Tensor> refTensors(Path file) throws IOException {
        com.fasterxml.jackson.databind.JsonNode table = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Path.of(file + ".ref.json").toFile());
        byte[] blob = Files.readAllBytes(Path.of(file + ".ref.bin"));
        List<Tensor> tensors = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode r : table.get("tensors")) {
            String storedAs = r.get("dtype").asText();
            int width = AtomType.of(Modality.MODEL, storedAs).valueBytes();
            List<Long> shape = new ArrayList<>();
            r.get("shape").forEach(d -> shape.add(d.asLong()));
            int offset = r.get("offset").asInt();
            int n = r.get("nbytes").asInt() / width;
            byte[][] values = new byte[n][];
            for (int i = 0; i < n; i++) {
                values[i] = java.util.Arrays.copyOfRange(blob, offset + i * width, offset + (i + 1) * width);
            }
            tensors.add(new Tensor(r.get("name").asText(), shape, ONNX_TYPES.getOrDefault(storedAs, storedAs),
                    storedAs, values));
        }
        return tensors;
    }

    private static final Map<String, String> ONNX_TYPES = Map.of("f32", "FLOAT", "f64", "DOUBLE", "f16", "FLOAT16",
            "bf16", "BFLOAT16", "i8", "INT8", "i16", "INT16", "i32", "INT32", "i64", "INT64", "u8", "UINT8",
            "bool", "BOOL");

    private Model writeModel(TenantStorage t, long job, String name, String format, String metadataJson,
                             List<Tensor> tensors, byte[] structure) {
        List<ModelLayer> layers = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor tensor = tensors.get(i);
            layers.add(new ModelLayer(0, i, tensor.name(), tensor.shape(), tensor.dtype(), tensor.storedAs(),
                    tensor.values().length));
        }
        Model model = t.ingest().registerModel(job, new NewModel(name, format, metadataJson, layers, structure));
        int chunk = 0;
        for (int layer = 0; layer < tensors.size(); layer++) {
            Tensor tensor = tensors.get(layer);
            AtomType type = AtomType.of(Modality.MODEL, tensor.storedAs());
            List<Long> shape = tensor.shape();
            long dimX = shape.isEmpty() ? 1 : shape.getLast();
            long dimY = shape.size() < 2 ? 1 : shape.get(shape.size() - 2);
            int total = tensor.values().length;
            for (int from = 0; from < total; from += CHUNK_ROWS) {
                int n = Math.min(CHUNK_ROWS, total - from);
                Map<ByteBuffer, Integer> ordinals = new HashMap<>();
                List<NewAtom> atoms = new ArrayList<>();
                int[] layerIdx = new int[n];
                long[] xs = new long[n];
                long[] ys = new long[n];
                long[] zs = new long[n];
                int[] ord = new int[n];
                for (int j = 0; j < n; j++) {
                    int i = from + j;
                    byte[] v = tensor.values()[i];
                    Integer o = ordinals.get(ByteBuffer.wrap(v));
                    if (o == null) {
                        o = atoms.size();
                        ordinals.put(ByteBuffer.wrap(v), o);
                        atoms.add(NewAtom.of(type, v));
                    }
                    layerIdx[j] = layer;
                    xs[j] = i % dimX;
                    ys[j] = (i / dimX) % dimY;
                    zs[j] = i / (dimX * dimY);
                    ord[j] = o;
                }
                t.ingest().writeChunk(job, new Chunk(chunk++, atoms, null,
                        new CoefficientBatch(n, layerIdx, xs, ys, zs, ord), 0));
            }
        }
        t.ingest().completeJob(job, null);
        return model;
    }

    public static byte[] f32(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }

    public static byte[] f16(float v) {
        short h = Float.floatToFloat16(v);
        return new byte[] {(byte) h, (byte) (h >>> 8)};
    }

    public static byte[] bf16(float v) {
        int bits = Float.floatToRawIntBits(v) >>> 16;
        return new byte[] {(byte) bits, (byte) (bits >>> 8)};
    }
}
