package io.hartonomous.storage.contract.models;

/** One weight of a tensor: which atom holds its value and where it sits. */
public record TensorAtomCoefficient(long tensorAtomId, long modelId, int layerIdx, long positionX, long positionY,
                                    long positionZ) {
}
