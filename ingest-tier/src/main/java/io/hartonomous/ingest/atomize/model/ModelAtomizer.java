package io.hartonomous.ingest.atomize.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.ChunkAssembler;
import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.atomize.Embedding;
import io.hartonomous.ingest.atomize.FileLayout;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.kernels.FeatureKernels;
import io.hartonomous.kernels.StatsKernels;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Emission shared by GGUF, safetensors and ONNX: the tensors' elements in tensor order form the row order, so a chunk
 * may span tensors (and atom subtypes). Coefficient row: {@code layerIdx} = tensor ordinal, x = innermost index,
 * y = the next, z = the remaining outer indices flattened.
 */
public final class ModelAtomizer implements AtomizedFile {
    private static final int EMBED_RUNS = 64;
    private static final int EMBED_RUN = 256;

    private final List<TensorSpec> tensors;
    private final long[] starts;
    private final FileLayout layout;
    private final NewModel model;
    private final AutoCloseable resource;

    /**
     * A name the file gives its model, stripped and cut to what the engines store; null when it gives none (the
     * upload's name is used then).
     */
    public static String ownName(String declared) {
        if (declared == null || declared.isBlank()) {
            return null;
        }
        String name = declared.strip();
        return name.length() > NewModel.MAX_NAME ? name.substring(0, NewModel.MAX_NAME) : name;
    }

    /**
     * {@code metadata} gets the tensor table added. Checks the tensor and element limits; the format atomizer has
     * validated everything else.
     */
    public ModelAtomizer(DetectedFormat format, long bytesTotal, String modelName, ObjectNode metadata,
                         List<TensorSpec> tensors, IngestLimits limits, int chunkRows, AutoCloseable resource) {
        this(format, bytesTotal, modelName, metadata, tensors, limits, chunkRows, resource, null);
    }

    /**
     * As above, with what running the model needs besides its tensors ({@link NewModel#structure()}); null for a
     * format the substrate cannot run, which the metadata then says ({@code runnable}, {@code notRunnableReason}).
     */
    public ModelAtomizer(DetectedFormat format, long bytesTotal, String modelName, ObjectNode metadata,
                         List<TensorSpec> tensors, IngestLimits limits, int chunkRows, AutoCloseable resource,
                         byte[] structure) {
        if (tensors.size() > limits.maxTensors()) {
            throw new LimitExceededException("the model has " + tensors.size() + " tensors, more than the limit of "
                    + limits.maxTensors());
        }
        Set<String> names = new HashSet<>();
        this.starts = new long[tensors.size() + 1];
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = tensors.get(i);
            if (t.elements() > limits.maxTensorElements()) {
                throw new LimitExceededException("tensor " + t.name() + " has " + t.elements()
                        + " elements, more than the limit of " + limits.maxTensorElements());
            }
            if (!names.add(t.name())) {
                throw new BadInputException("the model has two tensors named " + t.name());
            }
            starts[i + 1] = starts[i] + t.elements();
        }
        this.tensors = List.copyOf(tensors);
        this.resource = resource;
        ArrayNode table = metadata.putArray("tensors");
        List<ModelLayer> layers = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = tensors.get(i);
            ObjectNode row = table.addObject();
            row.put("name", t.name());
            ArrayNode shape = row.putArray("shape");
            t.shape().forEach(shape::add);
            row.put("dtype", t.dtype());
            row.put("storedAs", t.storedAs());
            row.put("elements", t.elements());
            row.put("dataOffset", t.dataOffset());
            layers.add(new ModelLayer(0, i, t.name(), t.shape(), t.dtype(), t.storedAs(), t.elements()));
        }
        // The API runs ONNX graphs on ONNX Runtime and LLaMA-family GGUF on its own forward pass (api.llama).
        String architecture = metadata.path("metadata").path("general.architecture").asText("");
        boolean llama = format == DetectedFormat.GGUF && architecture.equals("llama");
        metadata.put("runnable", structure != null || llama);
        if (structure == null && !llama) {
            metadata.put("notRunnableReason", notRunnableReason(format, architecture));
        }
        metadata.put("format", format.formatName());
        metadata.put("tensorCount", tensors.size());
        metadata.put("parameters", starts[tensors.size()]);
        String metadataJson = Json.write(metadata);
        this.layout = new FileLayout(format, bytesTotal, new ChunkPlan(starts[tensors.size()], chunkRows),
                metadataJson);
        this.model = new NewModel(modelName, format.formatName(), metadataJson, layers, structure);
    }

    private static String notRunnableReason(DetectedFormat format, String architecture) {
        return switch (format) {
            case SAFETENSORS -> "safetensors holds tensors only: there is no graph to run";
            case GGUF -> "the substrate runs GGUF models of the 'llama' architecture only; this file's "
                    + "general.architecture is '" + architecture + "'";
            default -> format.formatName() + " models cannot be run";
        };
    }

    @Override
    public FileLayout layout() {
        return layout;
    }

    @Override
    public Optional<NewModel> model() {
        return Optional.of(model);
    }

    public List<TensorSpec> tensors() {
        return tensors;
    }

    /** Chunk {@code c}: its run of elements in tensor order, read through the tensors' (thread-safe) readers. */
    @Override
    public Chunk chunk(int c) {
        ChunkPlan plan = layout.plan();
        long first = plan.start(c);
        int n = plan.size(c);
        long[] keys = new long[n];
        byte[] typeOf = new byte[n];
        List<AtomType> types = new ArrayList<>(2);
        int[] layer = new int[n];
        long[] xs = new long[n];
        long[] ys = new long[n];
        long[] zs = new long[n];
        int t = tensorAt(first);
        for (int i = 0; i < n; ) {
            while (starts[t + 1] <= first + i) {
                t++;
            }
            TensorSpec spec = tensors.get(t);
            long e = first + i - starts[t];
            int run = (int) Math.min(n - i, starts[t + 1] - (first + i));
            spec.reader().read(e, run, keys, i);
            AtomType type = AtomType.of(Modality.MODEL, spec.storedAs());
            int ti = types.indexOf(type);
            if (ti < 0) {
                ti = types.size();
                types.add(type);
            }
            List<Long> shape = spec.shape();
            long inner = shape.isEmpty() ? 1 : shape.getLast();
            long next = shape.size() < 2 ? 1 : shape.get(shape.size() - 2);
            for (int k = 0; k < run; k++) {
                long el = e + k;
                typeOf[i + k] = (byte) ti;
                layer[i + k] = t;
                xs[i + k] = el % inner;
                ys[i + k] = (el / inner) % next;
                zs[i + k] = el / inner / next;
            }
            i += run;
        }
        ChunkAssembler.Distinct d = ChunkAssembler.distinct(types, typeOf, keys, n);
        return new Chunk(c, d.atoms(), null, new CoefficientBatch(n, layer, xs, ys, zs, d.ordinals()),
                plan.bytesDone(c, layout.bytesTotal()));
    }

    /** Index of the tensor holding global element {@code g} (skipping empty tensors). */
    private int tensorAt(long g) {
        int i = Arrays.binarySearch(starts, g);
        if (i < 0) {
            return -i - 2;
        }
        while (i + 1 < starts.length && starts[i + 1] == g) {
            i++;
        }
        return Math.min(i, tensors.size() - 1);
    }

    /** Statistics and histogram of evenly spread runs of values across all tensors, as float. */
    @Override
    public Optional<Embedding> embedding() {
        long total = layout.plan().rows();
        if (total == 0) {
            return Optional.empty();
        }
        int runs = (int) Math.min(EMBED_RUNS, Math.max(1, total / EMBED_RUN));
        int runLength = (int) Math.min(EMBED_RUN, total);
        float[] sample = new float[runs * runLength];
        long[] keys = new long[runLength];
        int out = 0;
        for (int r = 0; r < runs; r++) {
            long g = runs == 1 ? 0 : r * (total - runLength) / (runs - 1);
            for (int done = 0; done < runLength; ) {
                int t = tensorAt(g + done);
                TensorSpec spec = tensors.get(t);
                long e = g + done - starts[t];
                int run = (int) Math.min(runLength - done, starts[t + 1] - (g + done));
                spec.reader().read(e, run, keys, 0);
                for (int k = 0; k < run; k++) {
                    float f = toFloat(spec.storedAs(), keys[k]);
                    if (Float.isFinite(f)) { // an embedding holds only finite numbers
                        sample[out++] = f;
                    }
                }
                done += run;
            }
        }
        if (out == 0) {
            return Optional.empty();
        }
        float[] finite = Arrays.copyOf(sample, out);
        return Optional.of(new Embedding(Embedding.TENSOR,
                FeatureKernels.tensor(StatsKernels.stats(finite, 0, out), finite)));
    }

    static float toFloat(String storedAs, long key) {
        return switch (storedAs) {
            case "f32" -> Float.intBitsToFloat((int) key);
            case "f16" -> Float.float16ToFloat((short) key);
            case "bf16" -> Float.intBitsToFloat((int) key << 16);
            case "f64" -> (float) Double.longBitsToDouble(key);
            case "i8" -> (byte) key;
            case "i16" -> (short) key;
            case "i32" -> (int) key;
            case "i64" -> key;
            default -> key & 0xFF; // u8, bool
        };
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not release the model mapping", e);
        }
    }
}
