package io.hartonomous.api.llama;

import io.hartonomous.kernels.HalfKernels;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.contract.inference.ReceiptTensor;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Reads one stored tensor through the storage contract ({@link ModelStore#tensorBytes}: row-major values, each its
 * atom's canonical bytes) as float32; every position must be stored. Values are widened by the {@link HalfKernels}
 * (f32 bit-exact, f16 and bf16 exactly); other subtypes are not weights a forward pass takes.
 */
final class StoredTensors {
    private StoredTensors() {
    }

    static float[] read(ModelStore store, long modelId, ModelLayer layer, Instant asOf) {
        return read(store, modelId, layer, asOf, r -> { });
    }

    /** The tensor as float32; {@code receipt} gets what was read (its values' SHA-256 as stored). */
    static float[] read(ModelStore store, long modelId, ModelLayer layer, Instant asOf,
                        Consumer<ReceiptTensor> receipt) {
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
        byte[] raw = store.tensorBytes(modelId, layer.layerIdx(), asOf);
        if (raw.length != (long) n * width) {
            throw new IllegalStateException("tensor " + layer.name() + " has " + raw.length / width + " of its " + n
                    + " values stored" + (asOf == null ? "" : " as of " + asOf));
        }
        receipt.accept(new ReceiptTensor(layer.layerIdx(), layer.name(), n, sha256(raw)));
        float[] out = new float[n];
        MemorySegment seg = MemorySegment.ofArray(raw);
        switch (subtype) {
            case "f32" -> HalfKernels.f32(seg, 0, n, out, 0);
            case "f16" -> HalfKernels.f16ToF32(seg, 0, n, out, 0);
            default -> HalfKernels.bf16ToF32(seg, 0, n, out, 0);
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
