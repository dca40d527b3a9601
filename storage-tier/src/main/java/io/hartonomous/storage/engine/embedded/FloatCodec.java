package io.hartonomous.storage.engine.embedded;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 little-endian, the canonical byte order of every stored vector. */
final class FloatCodec {
    private FloatCodec() {
    }

    static byte[] encode(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    static float[] decode(byte[] bytes) {
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
