package io.hartonomous.api.models;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Turns a client's (index, value) into what the storage keeps: the position as the atomizers store it (x = innermost
 * index, y = the next, z = the outer indices flattened in C order) and the value as an atom in the tensor's own
 * precision, little-endian. Half precision rounds to nearest even, as NumPy's astype does; integer and boolean
 * tensors take only values they can hold exactly.
 */
final class WeightValues {
    private WeightValues() {
    }

    /** {x, y, z} of a C-order index into {@code shape}. */
    static long[] position(List<Long> shape, long[] index) {
        if (index == null || index.length != shape.size()) {
            throw new IllegalArgumentException("index " + java.util.Arrays.toString(index) + " must have "
                    + shape.size() + " coordinates for shape " + shape);
        }
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape.get(d)) {
                throw new IllegalArgumentException("index " + java.util.Arrays.toString(index) + " is outside shape "
                        + shape + " in dimension " + d);
            }
        }
        int rank = index.length;
        long x = rank >= 1 ? index[rank - 1] : 0;
        long y = rank >= 2 ? index[rank - 2] : 0;
        long z = 0;
        for (int d = 0; d < rank - 2; d++) {
            z = z * shape.get(d) + index[d];
        }
        return new long[] {x, y, z};
    }

    static NewAtom atom(ModelLayer layer, double value) {
        String subtype = layer.storedAs();
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        switch (subtype) {
            case "f64" -> b.putDouble(value);
            case "f32" -> b.putFloat((float) value);
            case "f16" -> b.putShort(Float.floatToFloat16((float) value));
            case "bf16" -> b.putShort(bfloat16((float) value));
            case "i8" -> b.put((byte) integral(layer, value, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case "u8" -> b.put((byte) integral(layer, value, 0, 255));
            case "i16" -> b.putShort((short) integral(layer, value, Short.MIN_VALUE, Short.MAX_VALUE));
            case "i32" -> b.putInt((int) integral(layer, value, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case "i64" -> b.putLong(integral(layer, value, -(1L << 53), 1L << 53));
            case "bool" -> b.put((byte) integral(layer, value, 0, 1));
            default -> throw new IllegalArgumentException("tensor '" + layer.name() + "' is stored as '" + subtype
                    + "', which takes no numeric updates");
        }
        byte[] bytes = java.util.Arrays.copyOf(b.array(), b.position());
        return NewAtom.of(AtomType.of(Modality.MODEL, subtype), bytes);
    }

    /** float32 -> bfloat16 with round-to-nearest-even; NaN stays a (quiet) NaN. */
    static short bfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private static long integral(ModelLayer layer, double value, long min, long max) {
        if (value != Math.rint(value) || value < min || value > max) {
            throw new IllegalArgumentException("tensor '" + layer.name() + "' holds " + layer.storedAs()
                    + " values: " + value + " is not an integer in [" + min + ", " + max + "]");
        }
        return (long) value;
    }
}
