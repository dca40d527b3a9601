package io.hartonomous.api.llama;

import io.hartonomous.kernels.HalfKernels;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.contract.models.TensorCell;

import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads one stored tensor through the storage contract as float32 in row-major (C) order. Cells arrive ordered by
 * (z, y, x), where the atomizers put x = innermost index, y = the next, z = the outer indices flattened; every
 * position must be present exactly once. Values are widened by the {@link HalfKernels} (f32 bit-exact, f16 and bf16
 * exactly); other subtypes are not weights a forward pass takes.
 */
final class StoredTensors {
    private StoredTensors() {
    }

    static float[] read(ModelStore store, long modelId, ModelLayer layer, Instant asOf) {
        List<Long> shape = layer.shape();
        if (layer.elementCount() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + layer.name() + " has " + layer.elementCount()
                    + " values, more than one float[] holds");
        }
        int n = (int) layer.elementCount();
        String subtype = layer.storedAs();
        if (!subtype.equals("f32") && !subtype.equals("f16") && !subtype.equals("bf16")) {
            throw LlamaConfig.notRunnable("tensor " + layer.name() + " is stored as " + subtype
                    + " (f32, f16 and bf16 are read)");
        }
        int width = AtomType.of(Modality.MODEL, subtype).valueBytes();
        long inner = shape.isEmpty() ? 1 : shape.getLast();
        long next = shape.size() < 2 ? 1 : shape.get(shape.size() - 2);
        byte[] raw = new byte[n * width];
        long previous = -1;
        int count = 0;
        try (Stream<TensorCell> cells = store.tensor(modelId, layer.layerIdx(), asOf)) {
            for (TensorCell c : (Iterable<TensorCell>) cells::iterator) {
                long index = (c.positionZ() * next + c.positionY()) * inner + c.positionX();
                if (c.positionX() < 0 || c.positionX() >= inner || c.positionY() < 0 || c.positionY() >= next
                        || index <= previous || index >= n) {
                    throw new IllegalStateException("tensor " + layer.name() + " has a value at (" + c.positionX()
                            + ", " + c.positionY() + ", " + c.positionZ() + "), outside shape " + shape
                            + " or out of order");
                }
                if (!c.type().subtype().equals(subtype) || c.value().length != width) {
                    throw new IllegalStateException("tensor " + layer.name() + " holds a " + c.type()
                            + " value, not " + subtype);
                }
                System.arraycopy(c.value(), 0, raw, (int) index * width, width);
                previous = index;
                count++;
            }
        }
        if (count != n) {
            throw new IllegalStateException("tensor " + layer.name() + " has " + count + " of its " + n
                    + " values stored" + (asOf == null ? "" : " as of " + asOf));
        }
        float[] out = new float[n];
        MemorySegment seg = MemorySegment.ofArray(raw);
        switch (subtype) {
            case "f32" -> HalfKernels.f32(seg, 0, n, out, 0);
            case "f16" -> HalfKernels.f16ToF32(seg, 0, n, out, 0);
            default -> HalfKernels.bf16ToF32(seg, 0, n, out, 0);
        }
        return out;
    }
}
