package io.hartonomous.api.models;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.TensorCell;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A tensor as a NumPy {@code .npy} file (format 1.0, C order). Float tensors (f32, f16, bf16) become {@code <f4}:
 * half precision widens to float32 exactly. f64 and integer tensors keep their own exact type ({@code <f8},
 * {@code <i8}, ...), since narrowing them to float32 would change values.
 */
final class NpyStream {
    private NpyStream() {
    }

    /** The NumPy dtype the layer is served as, and its item size. */
    record DType(String descr, int size) {
        static DType of(ModelLayer layer) {
            return switch (layer.storedAs()) {
                case "f32", "f16", "bf16" -> new DType("<f4", 4);
                case "f64" -> new DType("<f8", 8);
                case "i8" -> new DType("|i1", 1);
                case "i16" -> new DType("<i2", 2);
                case "i32" -> new DType("<i4", 4);
                case "i64" -> new DType("<i8", 8);
                case "u8" -> new DType("|u1", 1);
                case "bool" -> new DType("|b1", 1);
                default -> throw new ConflictException("tensor '" + layer.name() + "' is stored as '"
                        + layer.storedAs() + "', which has no .npy form");
            };
        }
    }

    static byte[] header(ModelLayer layer, DType dtype) {
        List<Long> shape = layer.shape();
        String dims = shape.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String tuple = shape.size() == 1 ? "(" + dims + ",)" : "(" + dims + ")";
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        if (total - 10 > 0xFFFF) {
            throw new ConflictException("tensor '" + layer.name() + "' has too many dimensions for .npy 1.0");
        }
        byte[] out = new byte[total];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
        System.arraycopy(magic, 0, out, 0, 8);
        int headerLen = total - 10;
        out[8] = (byte) headerLen;
        out[9] = (byte) (headerLen >>> 8);
        byte[] text = dict.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, out, 10, text.length);
        for (int i = 10 + text.length; i < total - 1; i++) {
            out[i] = ' ';
        }
        out[total - 1] = '\n';
        return out;
    }

    static long elements(ModelLayer layer) {
        long n = 1;
        for (long d : layer.shape()) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Writes header and values; every position in C order must come exactly once (x = innermost index, y = the
     * next, z = the outer indices flattened, as the atomizers store them).
     */
    static long write(OutputStream out, ModelLayer layer, DType dtype, Iterator<TensorCell> cells)
            throws IOException {
        byte[] header = header(layer, dtype);
        out.write(header);
        List<Long> shape = layer.shape();
        long dimX = shape.isEmpty() ? 1 : shape.getLast();
        long dimY = shape.size() < 2 ? 1 : shape.get(shape.size() - 2);
        long total = elements(layer);
        byte[] item = new byte[dtype.size()];
        for (long i = 0; i < total; i++) {
            if (!cells.hasNext()) {
                throw new ConflictException("tensor '" + layer.name() + "' has only " + i + " of " + total
                        + " values at that time");
            }
            TensorCell c = cells.next();
            long x = i % dimX;
            long y = (i / dimX) % dimY;
            long z = i / (dimX * dimY);
            if (c.positionX() != x || c.positionY() != y || c.positionZ() != z) {
                throw new ConflictException("tensor '" + layer.name() + "' lacks the value at (" + x + ", " + y
                        + ", " + z + ")");
            }
            encode(c, dtype, item);
            out.write(item);
        }
        if (cells.hasNext()) {
            throw new ConflictException("tensor '" + layer.name() + "' holds more than its " + total + " values");
        }
        out.flush();
        return header.length + total * dtype.size();
    }

    private static void encode(TensorCell c, DType dtype, byte[] item) {
        byte[] v = c.value();
        switch (c.type().subtype()) {
            case "f16" -> putFloat(item, Float.float16ToFloat((short) ((v[0] & 0xFF) | (v[1] & 0xFF) << 8)));
            case "bf16" -> putFloat(item, Float.intBitsToFloat(((v[0] & 0xFF) | (v[1] & 0xFF) << 8) << 16));
            default -> {
                if (v.length != item.length) {
                    throw new ConflictException("a " + c.type() + " value does not fit " + dtype.descr());
                }
                System.arraycopy(v, 0, item, 0, v.length);
            }
        }
    }

    private static void putFloat(byte[] item, float f) {
        int bits = Float.floatToRawIntBits(f);
        item[0] = (byte) bits;
        item[1] = (byte) (bits >>> 8);
        item[2] = (byte) (bits >>> 16);
        item[3] = (byte) (bits >>> 24);
    }
}
