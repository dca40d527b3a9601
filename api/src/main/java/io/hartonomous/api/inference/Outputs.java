package io.hartonomous.api.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.formats.onnx.OnnxDataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's outputs as the answer carries them, and their summary as the inference record keeps it: per output its
 * element type, shape and the SHA-256 of its values (little-endian, row-major; strings as UTF-8, each followed by a
 * NUL byte).
 */
record Outputs(Map<String, InferenceViews.TensorView> tensors, String summaryJson) {
    static Outputs of(OrtSession.Result result, ObjectMapper json) throws OrtException {
        Map<String, InferenceViews.TensorView> tensors = new LinkedHashMap<>();
        ObjectNode summary = json.createObjectNode();
        ArrayNode list = summary.putArray("outputs");
        for (Map.Entry<String, OnnxValue> e : result) {
            String name = e.getKey();
            if (!(e.getValue() instanceof OnnxTensor tensor)) {
                throw new UnsupportedOperationException("output '" + name + "' is a " + e.getValue().getType()
                        + "; only tensor outputs can be returned");
            }
            TensorInfo info = tensor.getInfo();
            long[] shape = info.getShape();
            int count = Math.toIntExact(info.getNumElements());
            String dtype;
            Object data;
            byte[] canonical;
            if (info.onnxType == TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
                dtype = "string";
                String[] strings = flatStrings(tensor, count);
                data = strings;
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                for (String s : strings) {
                    out.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    out.write(0);
                }
                canonical = out.toByteArray();
            } else {
                OnnxDataType type = TensorValues.of(info.onnxType);
                if (type == null) {
                    throw new UnsupportedOperationException("output '" + name + "' has element type "
                            + info.onnxType + ", which cannot be returned");
                }
                canonical = littleEndian(tensor.getByteBuffer(), type);
                dtype = type.wireName();
                data = TensorValues.json(type, ByteBuffer.wrap(canonical), count);
            }
            tensors.put(name, new InferenceViews.TensorView(dtype, shape, data));
            ObjectNode o = list.addObject();
            o.put("name", name);
            o.put("dtype", dtype);
            ArrayNode s = o.putArray("shape");
            for (long d : shape) {
                s.add(d);
            }
            o.put("sha256", ModelLoader.sha256(canonical));
        }
        return new Outputs(tensors, summary.toString());
    }

    /** One output computed by the substrate itself: canonical little-endian values, row-major. */
    record Computed(String name, OnnxDataType type, long[] shape, byte[] canonical) {
    }

    /** Outputs the substrate computed (not ONNX Runtime), summarised the same way. */
    static Outputs of(java.util.List<Computed> computed, ObjectMapper json) {
        Map<String, InferenceViews.TensorView> tensors = new LinkedHashMap<>();
        ObjectNode summary = json.createObjectNode();
        ArrayNode list = summary.putArray("outputs");
        for (Computed c : computed) {
            int count = Math.toIntExact(c.canonical().length / c.type().bytes());
            tensors.put(c.name(), new InferenceViews.TensorView(c.type().wireName(), c.shape(),
                    TensorValues.json(c.type(), ByteBuffer.wrap(c.canonical()), count)));
            ObjectNode o = list.addObject();
            o.put("name", c.name());
            o.put("dtype", c.type().wireName());
            ArrayNode s = o.putArray("shape");
            for (long d : c.shape()) {
                s.add(d);
            }
            o.put("sha256", ModelLoader.sha256(c.canonical()));
        }
        return new Outputs(tensors, summary.toString());
    }

    /** The tensor's bytes in little-endian order whatever order ONNX Runtime's buffer has. */
    private static byte[] littleEndian(ByteBuffer buffer, OnnxDataType type) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        if (buffer.order() == ByteOrder.LITTLE_ENDIAN || type.bytes() == 1) {
            return bytes;
        }
        int w = type.bytes();
        for (int i = 0; i < bytes.length; i += w) {
            for (int a = i, b = i + w - 1; a < b; a++, b--) {
                byte t = bytes[a];
                bytes[a] = bytes[b];
                bytes[b] = t;
            }
        }
        return bytes;
    }

    private static String[] flatStrings(OnnxTensor tensor, int count) throws OrtException {
        String[] out = new String[count];
        int[] at = {0};
        flatten(tensor.getValue(), out, at);
        return out;
    }

    private static void flatten(Object value, String[] out, int[] at) {
        if (value instanceof String s) {
            out[at[0]++] = s;
        } else if (value instanceof Object[] array) {
            for (Object o : array) {
                flatten(o, out, at);
            }
        }
    }
}
