package io.hartonomous.storage.contract.models;

import java.util.List;

/**
 * One tensor of a model. {@code shape} is outermost-first as the file states it; {@code dtype} is the source type
 * (e.g. Q4_K, F16) and {@code storedAs} the atom subtype its values became (quantized types become f32).
 */
public record ModelLayer(long modelId, int layerIdx, String name, List<Long> shape, String dtype, String storedAs,
                         long elementCount) {
    public ModelLayer {
        shape = List.copyOf(shape);
    }
}
