package io.hartonomous.ingest.atomize.model.gguf;

/**
 * GGML tensor types by id (ggml.h): block size in values and bytes, and what Hartonomous stores them as.
 * {@code storedAs} null means not supported. Raw types keep their precision; block-quantized ones become f32 through
 * the format's documented dequantization (kernels' {@code DequantKernels}).
 */
record GgmlType(int id, String name, int blockValues, int blockBytes, String storedAs) {

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : new GgmlType[]{
                new GgmlType(0, "F32", 1, 4, "f32"), new GgmlType(1, "F16", 1, 2, "f16"),
                new GgmlType(2, "Q4_0", 32, 18, "f32"), new GgmlType(3, "Q4_1", 32, 20, "f32"),
                new GgmlType(6, "Q5_0", 32, 22, "f32"), new GgmlType(7, "Q5_1", 32, 24, "f32"),
                new GgmlType(8, "Q8_0", 32, 34, "f32"), new GgmlType(9, "Q8_1", 32, 36, null),
                new GgmlType(10, "Q2_K", 256, 84, null), new GgmlType(11, "Q3_K", 256, 110, null),
                new GgmlType(12, "Q4_K", 256, 144, "f32"), new GgmlType(13, "Q5_K", 256, 176, "f32"),
                new GgmlType(14, "Q6_K", 256, 210, "f32"), new GgmlType(15, "Q8_K", 256, 292, "f32"),
                new GgmlType(16, "IQ2_XXS", 256, 66, null), new GgmlType(17, "IQ2_XS", 256, 74, null),
                new GgmlType(18, "IQ3_XXS", 256, 98, null), new GgmlType(19, "IQ1_S", 256, 50, null),
                new GgmlType(20, "IQ4_NL", 32, 18, null), new GgmlType(21, "IQ3_S", 256, 110, null),
                new GgmlType(22, "IQ2_S", 256, 82, null), new GgmlType(23, "IQ4_XS", 256, 136, null),
                new GgmlType(24, "I8", 1, 1, "i8"), new GgmlType(25, "I16", 1, 2, "i16"),
                new GgmlType(26, "I32", 1, 4, "i32"), new GgmlType(27, "I64", 1, 8, "i64"),
                new GgmlType(28, "F64", 1, 8, "f64"), new GgmlType(29, "IQ1_M", 256, 56, null),
                new GgmlType(30, "BF16", 1, 2, "bf16"), new GgmlType(34, "TQ1_0", 256, 54, null),
                new GgmlType(35, "TQ2_0", 256, 66, null), new GgmlType(39, "MXFP4", 32, 17, null)}) {
            BY_ID[t.id] = t;
        }
    }

    static GgmlType byId(long id) {
        GgmlType t = id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
        return t != null ? t : new GgmlType((int) Math.min(id, Integer.MAX_VALUE), "type id " + id, 1, 1, null);
    }

    boolean supported() {
        return storedAs != null;
    }

    boolean quantized() {
        return blockValues > 1;
    }
}
