package io.hartonomous.api.inference;

import io.hartonomous.formats.onnx.OnnxDataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One input as the model receives it: its values row-major in {@code data} (little-endian, the element type's width),
 * and the atom it came from (a file atom, or a model's file atom for another model's tensor; null for inline data).
 */
record FedTensor(String name, OnnxDataType dtype, long[] shape, ByteBuffer data, Long atomId) {
    FedTensor {
        data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    long elements() {
        return Shapes.elements(shape);
    }
}
