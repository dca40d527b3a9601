package io.hartonomous.formats.onnx;

import java.util.Locale;

/**
 * The ONNX element types with a fixed width ({@code TensorProto.DataType}): their wire id, the lower-case name the
 * API speaks ({@code float32}, {@code int64}, {@code bool}, ...), the bytes per element and the typed TensorProto
 * field that holds them when a tensor has no raw_data.
 */
public enum OnnxDataType {
    FLOAT(1, "float32", 4, Field.FLOAT_DATA),
    UINT8(2, "uint8", 1, Field.INT32_DATA),
    INT8(3, "int8", 1, Field.INT32_DATA),
    UINT16(4, "uint16", 2, Field.INT32_DATA),
    INT16(5, "int16", 2, Field.INT32_DATA),
    INT32(6, "int32", 4, Field.INT32_DATA),
    INT64(7, "int64", 8, Field.INT64_DATA),
    BOOL(9, "bool", 1, Field.INT32_DATA),
    FLOAT16(10, "float16", 2, Field.INT32_DATA),
    DOUBLE(11, "float64", 8, Field.DOUBLE_DATA),
    UINT32(12, "uint32", 4, Field.UINT64_DATA),
    UINT64(13, "uint64", 8, Field.UINT64_DATA),
    BFLOAT16(16, "bfloat16", 2, Field.INT32_DATA);

    /** TensorProto's typed value fields. */
    public static final class Field {
        public static final int FLOAT_DATA = 4;
        public static final int INT32_DATA = 5;
        public static final int INT64_DATA = 7;
        public static final int DOUBLE_DATA = 10;
        public static final int UINT64_DATA = 11;

        private Field() {
        }
    }

    private final int id;
    private final String wireName;
    private final int bytes;
    private final int typedField;

    OnnxDataType(int id, String wireName, int bytes, int typedField) {
        this.id = id;
        this.wireName = wireName;
        this.bytes = bytes;
        this.typedField = typedField;
    }

    public int id() {
        return id;
    }

    /** The name in lower case as requests and responses carry it. */
    public String wireName() {
        return wireName;
    }

    public int bytes() {
        return bytes;
    }

    public int typedField() {
        return typedField;
    }

    /** By wire id; null for an id without a fixed-width type here (STRING, COMPLEX, FLOAT8, INT4, ...). */
    public static OnnxDataType ofId(long id) {
        for (OnnxDataType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /**
     * By name: the lower-case names ({@code float32}), the enum names ({@code FLOAT}) and the usual aliases
     * ({@code float}, {@code double}, {@code half}); IllegalArgumentException listing the names otherwise.
     */
    public static OnnxDataType ofName(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        switch (n) {
            case "float", "f32" -> {
                return FLOAT;
            }
            case "double", "f64" -> {
                return DOUBLE;
            }
            case "half", "f16" -> {
                return FLOAT16;
            }
            default -> {
                for (OnnxDataType t : values()) {
                    if (t.wireName.equals(n) || t.name().toLowerCase(Locale.ROOT).equals(n)) {
                        return t;
                    }
                }
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "' (known: float32, float64, float16, bfloat16,"
                + " int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool)");
    }
}
