package io.hartonomous.api.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.atoms.MediaTensors;
import io.hartonomous.formats.onnx.OnnxDataType;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The inputs of a run, read from the request and checked against what the model declares before anything runs:
 * every declared input given once and nothing else, each a tensor of the declared element type, rank and fixed
 * dimensions. An input is inline ({@code dtype}, {@code shape}, {@code data} row-major), an image or audio file atom
 * ({@code atom} with options) or another model's tensor ({@code tensor: {model, name}}), all read through the
 * contract as the caller's tenant. Mistakes are IllegalArgumentException (400) naming the input; a run larger than
 * {@code hart.inference.max-input-elements} is refused (422) before an atom is read.
 */
final class RunInputs {
    private static final Set<String> INLINE_FIELDS = Set.of("dtype", "shape", "data");
    private static final Set<String> IMAGE_FIELDS = Set.of("atom", "channels", "scale", "mean", "std");
    private static final Set<String> AUDIO_FIELDS = Set.of("atom", "channel", "sampleRate", "resample", "offset",
            "length");
    private static final Set<String> TENSOR_FIELDS = Set.of("tensor", "shape");

    private final TenantStorage reads;
    private final ObjectMapper json;
    private final int pageRows;
    private final long maxElements;
    private final Instant asOf;
    private long elements;

    RunInputs(TenantStorage reads, ObjectMapper json, int pageRows, long maxElements, Instant asOf) {
        this.reads = reads;
        this.json = json;
        this.pageRows = pageRows;
        this.maxElements = maxElements;
        this.asOf = asOf;
    }

    /** The inputs in the model's declared order. */
    List<FedTensor> read(Map<String, JsonNode> given, Map<String, NodeInfo> declared) {
        Set<String> unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(declared.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown input" + (unknown.size() > 1 ? "s " : " ") + quoted(unknown)
                    + " (the model takes " + quoted(declared.keySet()) + ")");
        }
        List<FedTensor> fed = new ArrayList<>(declared.size());
        for (Map.Entry<String, NodeInfo> d : declared.entrySet()) {
            String name = d.getKey();
            JsonNode input = given.get(name);
            if (input == null || input.isNull()) {
                throw new IllegalArgumentException("input '" + name + "' is missing (the model takes "
                        + quoted(declared.keySet()) + ")");
            }
            if (!(d.getValue().getInfo() instanceof TensorInfo info)) {
                throw new IllegalArgumentException("input '" + name + "' is a " + d.getValue().getInfo()
                        + ", not a tensor: only tensor inputs can be given");
            }
            if (!input.isObject()) {
                throw new IllegalArgumentException("input '" + name + "' must be an object: {dtype, shape, data}, "
                        + "{atom, ...options} or {tensor: {model, name}}");
            }
            fed.add(input.has("atom") ? atom(name, input, info)
                    : input.has("tensor") ? modelTensor(name, input, info) : inline(name, input, info));
        }
        return fed;
    }

    /** Input elements of the inputs read so far: the run's units. */
    long elements() {
        return elements;
    }

    private FedTensor inline(String name, JsonNode input, TensorInfo info) {
        only(name, input, INLINE_FIELDS);
        OnnxDataType declaredType = declaredType(name, info);
        OnnxDataType dtype = input.hasNonNull("dtype") ? dtype(name, input.get("dtype")) : declaredType;
        if (dtype != declaredType) {
            throw new IllegalArgumentException("input '" + name + "' is " + dtype.wireName() + " but the model takes "
                    + declaredType.wireName());
        }
        long[] declared = info.getShape();
        long[] shape;
        if (input.hasNonNull("shape")) {
            shape = shape(name, input.get("shape"));
        } else if (Shapes.fixed(declared)) {
            shape = declared.clone();
        } else {
            throw new IllegalArgumentException("input '" + name + "' needs a shape: the model takes "
                    + Shapes.describe(declared));
        }
        requireFits(name, shape, declared);
        long count = count(name, shape);
        List<JsonNode> values = new ArrayList<>();
        if (!input.has("data")) {
            throw new IllegalArgumentException("input '" + name + "' has no data (row-major values)");
        }
        flatten(name, input.get("data"), values, count);
        if (values.size() != count) {
            throw new IllegalArgumentException("input '" + name + "' has " + values.size() + " values but shape "
                    + java.util.Arrays.toString(shape) + " needs " + count);
        }
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(count * dtype.bytes())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.size(); i++) {
            TensorValues.put(data, dtype, values.get(i), name, i);
        }
        return new FedTensor(name, dtype, shape, data.flip(), null);
    }

    private FedTensor atom(String name, JsonNode input, TensorInfo info) {
        long atomId = positive(name, "atom", input.get("atom"));
        Atom atom = reads.atoms().byId(atomId).orElseThrow(() -> new NotFoundException("atom " + atomId
                + " not found"));
        if (!atom.type().isFile()) {
            throw new IllegalArgumentException("input '" + name + "': atom " + atomId + " is a single "
                    + atom.type() + " value, not a file; name an image or audio file atom");
        }
        if (atom.type().modality() == Modality.MODEL) {
            throw new IllegalArgumentException("input '" + name + "': atom " + atomId + " is a model file; give one "
                    + "of its tensors as {\"tensor\": {\"model\": <model id>, \"name\": \"...\"}}");
        }
        String kind = atom.type().modality() == Modality.IMAGE ? "an image atom" : "an audio atom";
        OnnxDataType declaredType = declaredType(name, info);
        if (declaredType != OnnxDataType.FLOAT) {
            throw new IllegalArgumentException("input '" + name + "' takes " + declaredType.wireName() + "; " + kind
                    + " becomes float32");
        }
        long[] declared = info.getShape();
        JsonNode meta = MediaTensors.metadata(atom, json);
        return atom.type().modality() == Modality.IMAGE ? image(name, input, atom, meta, declared)
                : audio(name, input, atom, meta, declared);
    }

    private FedTensor image(String name, JsonNode input, Atom atom, JsonNode meta, long[] declared) {
        only(name, input, IMAGE_FIELDS);
        if (declared.length != 4) {
            throw new IllegalArgumentException("input '" + name + "' takes " + Shapes.describe(declared)
                    + "; an image atom becomes [1, C, H, W]");
        }
        int channels = input.has("channels") ? (int) integer(name, "channels", input.get("channels")) : 3;
        if (channels != 3 && channels != 4) {
            throw new IllegalArgumentException("input '" + name + "': channels is 3 (RGB) or 4 (RGBA), got "
                    + channels);
        }
        MediaTensors.Image image = MediaTensors.image(reads.atoms(), atom, meta, pageRows);
        long[] shape = {1, channels, image.height(), image.width()};
        if (!Shapes.fits(shape, declared)) {
            throw new IllegalArgumentException("input '" + name + "' takes " + Shapes.describe(declared)
                    + " but atom " + atom.atomId() + " is " + image.width() + "x" + image.height() + " and becomes "
                    + java.util.Arrays.toString(shape) + " (images are not resized)");
        }
        float scale = input.has("scale") ? (float) number(name, "scale", input.get("scale"))
                : 1f / image.maxValue();
        float[] mean = perChannel(name, "mean", input.get("mean"), channels, false);
        float[] std = perChannel(name, "std", input.get("std"), channels, true);
        budget(name, Shapes.elements(shape));
        float[] values = image.chw(channels, scale, mean, std);
        return new FedTensor(name, OnnxDataType.FLOAT, shape, floats(values), atom.atomId());
    }

    private FedTensor audio(String name, JsonNode input, Atom atom, JsonNode meta, long[] declared) {
        only(name, input, AUDIO_FIELDS);
        if (declared.length != 2) {
            throw new IllegalArgumentException("input '" + name + "' takes " + Shapes.describe(declared)
                    + "; an audio atom becomes [1, N] (N samples)");
        }
        MediaTensors.Audio audio = MediaTensors.audio(reads.atoms(), atom, meta, pageRows);
        int channel = -1;
        if (input.hasNonNull("channel")) {
            long c = integer(name, "channel", input.get("channel"));
            if (c < 0 || c >= audio.channels()) {
                throw new IllegalArgumentException("input '" + name + "': atom " + atom.atomId() + " has "
                        + audio.channels() + " channel(s), so channel is 0-" + (audio.channels() - 1) + ", got " + c);
            }
            channel = (int) c;
        }
        if (input.hasNonNull("sampleRate")) {
            long rate = positive(name, "sampleRate", input.get("sampleRate"));
            if (rate != audio.sampleRate()) {
                if (input.path("resample").asBoolean(false)) {
                    throw new UnprocessableException("input '" + name + "': atom " + atom.atomId() + " is "
                            + audio.sampleRate() + " Hz and resampling to " + rate + " Hz is not implemented; "
                            + "resample the audio before ingesting it");
                }
                throw new IllegalArgumentException("input '" + name + "': atom " + atom.atomId() + " is "
                        + audio.sampleRate() + " Hz, not " + rate + " Hz (audio is not resampled unless asked with "
                        + "\"resample\": true)");
            }
        }
        // a window of the frames (offset, length): models such as a VAD take fixed-size chunks of a longer file
        long frames = audio.frames();
        long offset = input.hasNonNull("offset") ? integer(name, "offset", input.get("offset")) : 0;
        if (offset < 0 || offset > frames) {
            throw new IllegalArgumentException("input '" + name + "': atom " + atom.atomId() + " has " + frames
                    + " frames, so offset is 0-" + frames + ", got " + offset);
        }
        long length = input.hasNonNull("length") ? integer(name, "length", input.get("length")) : frames - offset;
        if (length < 1 || length > frames - offset) {
            throw new IllegalArgumentException("input '" + name + "': atom " + atom.atomId() + " has " + frames
                    + " frames, so from offset " + offset + " length is 1-" + (frames - offset) + ", got " + length);
        }
        long[] shape = {1, length};
        if (!Shapes.fits(shape, declared)) {
            throw new IllegalArgumentException("input '" + name + "' takes " + Shapes.describe(declared)
                    + " but atom " + atom.atomId() + " has " + frames + " frames and becomes "
                    + java.util.Arrays.toString(shape));
        }
        budget(name, length);
        float[] samples = audio.samples(channel);
        float[] window = offset == 0 && length == samples.length ? samples
                : java.util.Arrays.copyOfRange(samples, (int) offset, (int) (offset + length));
        return new FedTensor(name, OnnxDataType.FLOAT, shape, floats(window), atom.atomId());
    }

    private FedTensor modelTensor(String name, JsonNode input, TensorInfo info) {
        only(name, input, TENSOR_FIELDS);
        JsonNode ref = input.get("tensor");
        if (!ref.isObject() || !ref.hasNonNull("name")) {
            throw new IllegalArgumentException("input '" + name + "': tensor is {\"model\": <model id>, \"name\": "
                    + "\"<tensor name>\"}");
        }
        long modelId = positive(name, "tensor.model", ref.get("model"));
        String tensorName = ref.get("name").asText();
        Model model = reads.models().byId(modelId).orElseThrow(() -> new NotFoundException("model " + modelId
                + " not found"));
        if (asOf.isBefore(model.createdAt())) {
            throw new NotFoundException("model " + modelId + " did not exist yet at " + asOf);
        }
        ModelLayer layer = reads.models().layers(modelId).stream().filter(l -> l.name().equals(tensorName))
                .findFirst().orElseThrow(() -> new NotFoundException("model " + modelId + " has no tensor named '"
                        + tensorName + "'"));
        OnnxDataType dtype = TensorValues.ofStoredAs(layer.storedAs());
        OnnxDataType declaredType = declaredType(name, info);
        if (dtype != declaredType) {
            throw new IllegalArgumentException("input '" + name + "': tensor '" + tensorName + "' of model " + modelId
                    + " is " + dtype.wireName() + " but the model takes " + declaredType.wireName());
        }
        long[] shape = input.hasNonNull("shape") ? shape(name, input.get("shape")) : Shapes.of(layer.shape());
        if (Shapes.elements(shape) != layer.elementCount()) {
            throw new IllegalArgumentException("input '" + name + "': shape " + java.util.Arrays.toString(shape)
                    + " does not hold tensor '" + tensorName + "''s " + layer.elementCount() + " values");
        }
        requireFits(name, shape, info.getShape());
        budget(name, layer.elementCount());
        byte[] values = reads.models().tensorBytes(modelId, layer.layerIdx(), asOf);
        if (values.length != layer.elementCount() * dtype.bytes()) {
            throw new io.hartonomous.storage.contract.ConflictException("tensor '" + tensorName + "' of model "
                    + modelId + " is incomplete as of " + asOf);
        }
        return new FedTensor(name, dtype, shape, ByteBuffer.wrap(values), model.parentAtomId());
    }

    private void budget(String name, long count) {
        elements = Math.addExact(elements, count);
        if (elements > maxElements) {
            throw new UnprocessableException("the inputs (up to '" + name + "') have " + elements + " elements, more "
                    + "than the limit of " + maxElements + " per run (hart.inference.max-input-elements)");
        }
    }

    private long count(String name, long[] shape) {
        long count;
        try {
            count = Shapes.elements(shape);
        } catch (ArithmeticException e) {
            count = Long.MAX_VALUE;
        }
        budget(name, count);
        return count;
    }

    private static void requireFits(String name, long[] shape, long[] declared) {
        if (!Shapes.fits(shape, declared)) {
            throw new IllegalArgumentException("input '" + name + "' has shape " + java.util.Arrays.toString(shape)
                    + " but the model takes " + Shapes.describe(declared));
        }
    }

    private static OnnxDataType declaredType(String name, TensorInfo info) {
        OnnxDataType t = TensorValues.of(info.onnxType);
        if (t == null || TensorValues.javaType(t) == null) {
            throw new IllegalArgumentException("input '" + name + "' takes " + info.onnxType + " tensors, which "
                    + "cannot be given here (float32, float64, float16, bfloat16, int8, int16, int32, int64, uint8 "
                    + "and bool can)");
        }
        return t;
    }

    private static OnnxDataType dtype(String name, JsonNode node) {
        try {
            return OnnxDataType.ofName(node.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("input '" + name + "': " + e.getMessage());
        }
    }

    private static long[] shape(String name, JsonNode node) {
        if (!node.isArray() || node.size() > 16) {
            throw new IllegalArgumentException("input '" + name + "': shape is an array of at most 16 dimensions");
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new IllegalArgumentException("input '" + name + "': shape[" + i + "] must be an integer >= 0, "
                        + "got " + d);
            }
            shape[i] = d.asLong();
        }
        return shape;
    }

    private static void flatten(String name, JsonNode node, List<JsonNode> out, long limit) {
        if (!node.isArray()) {
            throw new IllegalArgumentException("input '" + name + "': data is an array of values (row-major)");
        }
        for (JsonNode v : node) {
            if (v.isArray()) {
                flatten(name, v, out, limit);
            } else {
                out.add(v);
            }
            if (out.size() > limit) {
                throw new IllegalArgumentException("input '" + name + "' has more values than its shape holds ("
                        + limit + ")");
            }
        }
    }

    private static float[] perChannel(String name, String field, JsonNode node, int channels, boolean nonZero) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() != channels) {
            throw new IllegalArgumentException("input '" + name + "': " + field + " is an array of " + channels
                    + " numbers (one per channel)");
        }
        float[] values = new float[channels];
        for (int c = 0; c < channels; c++) {
            values[c] = (float) number(name, field + "[" + c + "]", node.get(c));
            if (nonZero && values[c] == 0) {
                throw new IllegalArgumentException("input '" + name + "': " + field + "[" + c + "] must not be 0");
            }
        }
        return values;
    }

    private static void only(String name, JsonNode input, Set<String> known) {
        for (Iterator<String> it = input.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new IllegalArgumentException("input '" + name + "': unknown field '" + field + "' (known here: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    private static long positive(String name, String field, JsonNode node) {
        long v = integer(name, field, node);
        if (v < 1) {
            throw new IllegalArgumentException("input '" + name + "': " + field + " must be a positive integer, got "
                    + v);
        }
        return v;
    }

    private static long integer(String name, String field, JsonNode node) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new IllegalArgumentException("input '" + name + "': " + field + " must be an integer, got " + node);
        }
        return node.asLong();
    }

    private static double number(String name, String field, JsonNode node) {
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException("input '" + name + "': " + field + " must be a number, got " + node);
        }
        return node.asDouble();
    }

    private static ByteBuffer floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b;
    }

    private static String quoted(java.util.Collection<String> names) {
        Map<String, String> q = new LinkedHashMap<>();
        names.forEach(n -> q.put(n, "'" + n + "'"));
        return String.join(", ", q.values());
    }
}
