package io.hartonomous.api.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.formats.onnx.OnnxDataType;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Element values between JSON and little-endian bytes, per ONNX element type: inputs are checked (integers must be
 * integral and in range, booleans true/false or 0/1, floats numbers or "NaN"/"Infinity"/"-Infinity"); outputs
 * become Java arrays Jackson writes as JSON numbers (float16 and bfloat16 widened to float32 exactly).
 */
final class TensorValues {
    private TensorValues() {
    }

    /** The ONNX Runtime Java type of an element type; null for the unsigned types Java cannot feed (uint16-64). */
    static OnnxJavaType javaType(OnnxDataType t) {
        return switch (t) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            case UINT16, UINT32, UINT64 -> null;
        };
    }

    /**
     * The element type ONNX Runtime reports (its enum follows the C API's numbering, not ONNX's, so it is matched by
     * name); null for types without a fixed width here (string, complex, float8).
     */
    static OnnxDataType of(TensorInfo.OnnxTensorType t) {
        String prefix = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";
        String name = t.name().startsWith(prefix) ? t.name().substring(prefix.length()) : t.name();
        for (OnnxDataType d : OnnxDataType.values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** The element type of a stored tensor by its atom subtype (f32, f16, i64, ...). */
    static OnnxDataType ofStoredAs(String storedAs) {
        return switch (storedAs) {
            case "f32" -> OnnxDataType.FLOAT;
            case "f64" -> OnnxDataType.DOUBLE;
            case "f16" -> OnnxDataType.FLOAT16;
            case "bf16" -> OnnxDataType.BFLOAT16;
            case "i8" -> OnnxDataType.INT8;
            case "i16" -> OnnxDataType.INT16;
            case "i32" -> OnnxDataType.INT32;
            case "i64" -> OnnxDataType.INT64;
            case "u8" -> OnnxDataType.UINT8;
            case "bool" -> OnnxDataType.BOOL;
            default -> throw new IllegalArgumentException("tensors stored as " + storedAs + " cannot be fed");
        };
    }

    /** Appends value {@code index} of input {@code name}. */
    static void put(ByteBuffer out, OnnxDataType t, JsonNode v, String name, int index) {
        switch (t) {
            case FLOAT -> out.putFloat((float) floating(v, name, index));
            case DOUBLE -> out.putDouble(floating(v, name, index));
            case FLOAT16 -> out.putShort(Float.floatToFloat16((float) floating(v, name, index)));
            case BFLOAT16 -> out.putShort(bfloat16((float) floating(v, name, index)));
            case INT8 -> out.put((byte) integer(v, name, index, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UINT8 -> out.put((byte) integer(v, name, index, 0, 255));
            case INT16 -> out.putShort((short) integer(v, name, index, Short.MIN_VALUE, Short.MAX_VALUE));
            case INT32 -> out.putInt((int) integer(v, name, index, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case INT64 -> out.putLong(integer(v, name, index, Long.MIN_VALUE, Long.MAX_VALUE));
            case BOOL -> out.put(bool(v, name, index) ? (byte) 1 : 0);
            default -> throw new IllegalArgumentException("input '" + name + "': " + t.wireName()
                    + " values cannot be given");
        }
    }

    /** The values of {@code count} elements (little-endian bytes) as an array Jackson writes as JSON. */
    static Object json(OnnxDataType t, ByteBuffer bytes, int count) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return switch (t) {
            case FLOAT -> {
                float[] v = new float[count];
                b.asFloatBuffer().get(v);
                yield v;
            }
            case DOUBLE -> {
                double[] v = new double[count];
                b.asDoubleBuffer().get(v);
                yield v;
            }
            case FLOAT16, BFLOAT16 -> {
                float[] v = new float[count];
                for (int i = 0; i < count; i++) {
                    short h = b.getShort();
                    v[i] = t == OnnxDataType.FLOAT16 ? Float.float16ToFloat(h) : Float.intBitsToFloat(h << 16);
                }
                yield v;
            }
            case BOOL -> {
                boolean[] v = new boolean[count];
                for (int i = 0; i < count; i++) {
                    v[i] = b.get() != 0;
                }
                yield v;
            }
            case UINT64 -> {
                BigInteger[] v = new BigInteger[count];
                for (int i = 0; i < count; i++) {
                    v[i] = new BigInteger(Long.toUnsignedString(b.getLong()));
                }
                yield v;
            }
            default -> {
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    v[i] = switch (t) {
                        case INT8 -> b.get();
                        case UINT8 -> b.get() & 0xFF;
                        case INT16 -> b.getShort();
                        case UINT16 -> b.getShort() & 0xFFFF;
                        case INT32 -> b.getInt();
                        case UINT32 -> b.getInt() & 0xFFFFFFFFL;
                        default -> b.getLong();
                    };
                }
                yield v;
            }
        };
    }

    /** bfloat16 from float32, rounded to nearest even (NaN stays NaN). */
    static short bfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private static double floating(JsonNode v, String name, int index) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            switch (v.asText()) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                }
            }
        }
        throw new IllegalArgumentException("input '" + name + "': value " + index + " must be a number, got " + v);
    }

    private static long integer(JsonNode v, String name, int index, long min, long max) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && v.canConvertToLong()
                    && v.asLong() >= min && v.asLong() <= max) {
                return v.asLong(); // 3.0 is the integer 3
            }
            throw new IllegalArgumentException("input '" + name + "': value " + index + " must be an integer in ["
                    + min + ", " + max + "], got " + v);
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode v, String name, int index) {
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber() && (v.asLong() == 0 || v.asLong() == 1)) {
            return v.asLong() == 1;
        }
        throw new IllegalArgumentException("input '" + name + "': value " + index + " must be true, false, 0 or 1, "
                + "got " + v);
    }
}
