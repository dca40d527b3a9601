package io.hartonomous.storage.engine.sqlserver;

import microsoft.sql.Vector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VECTOR(1998) values: zero-padded FLOAT32 out, the true dimension back in. */
class VectorCodecTest {

    @Test
    void vectorsArePaddedFloat32OfTheColumnsDimension() {
        Vector v = VectorCodec.toVector(new float[] {0.5f, -1f, 3f});
        assertThat(v.getDimensionCount()).isEqualTo(1998);
        assertThat(v.getVectorDimensionType()).isEqualTo(Vector.VectorDimensionType.FLOAT32);
        assertThat(v.getData()).hasSize(1998).startsWith(0.5f, -1f, 3f, 0f);
        assertThat(VectorCodec.fromVector(v, 3)).containsExactly(0.5f, -1f, 3f);
        assertThat(VectorCodec.fromVector(v, 0)).isEmpty();
    }

    @Test
    void impossibleDimensionsAreRefused() {
        assertThatThrownBy(() -> VectorCodec.toVector(new float[1999])).isInstanceOf(IllegalArgumentException.class);
        Vector v = VectorCodec.toVector(new float[] {1});
        assertThatThrownBy(() -> VectorCodec.fromVector(v, 1999)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VectorCodec.fromVector(null, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The landmarks dbo.sp_ReplaceSpatialLandmarks takes: a JSON array of 1998-number arrays, Java's float text. */
    @Test
    void landmarksTravelAsAJsonArrayOfPaddedVectors() throws Exception {
        String json = SqlServerVectorStore.landmarksJson(new float[][] {{0.5f, -1f}, {1e-7f}});
        com.fasterxml.jackson.databind.JsonNode parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(parsed.size()).isEqualTo(2);
        assertThat(parsed.get(0).size()).isEqualTo(1998);
        assertThat(parsed.get(1).size()).isEqualTo(1998);
        assertThat((float) parsed.get(0).get(1).asDouble()).isEqualTo(-1f);
        assertThat((float) parsed.get(1).get(0).asDouble()).isEqualTo(1e-7f);
        assertThat(parsed.get(1).get(1997).asDouble()).isZero();
    }
}
