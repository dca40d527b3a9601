package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.vectors.EmbeddingVector;
import microsoft.sql.Vector;

/**
 * {@code VECTOR(1998)} values as mssql-jdbc 13.6 exchanges them: {@link microsoft.sql.Vector} of FLOAT32, sent with
 * {@code setObject(i, vector, microsoft.sql.Types.VECTOR)} and read with {@code getObject(i, Vector.class)}
 * (Microsoft's "Use vector data type with the JDBC driver"). Every stored vector is zero-padded to 1998 so that
 * VECTOR_DISTANCE compares equal dimensions; the true length travels separately as Dimension.
 */
final class VectorCodec {
    private VectorCodec() {
    }

    static Vector toVector(float[] values) {
        float[] padded = EmbeddingVector.padded(values);
        Float[] boxed = new Float[padded.length];
        for (int i = 0; i < padded.length; i++) {
            boxed[i] = padded[i];
        }
        return new Vector(padded.length, Vector.VectorDimensionType.FLOAT32, boxed);
    }

    /** The first {@code dimension} values of a stored (padded) vector. */
    static float[] fromVector(Vector vector, int dimension) {
        if (vector == null || vector.getData() == null) {
            throw new IllegalArgumentException("no vector value");
        }
        Object[] data = vector.getData();
        if (dimension < 0 || dimension > data.length) {
            throw new IllegalArgumentException("dimension " + dimension + " exceeds the stored vector's "
                    + data.length + " values");
        }
        float[] values = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            values[i] = ((Number) data[i]).floatValue();
        }
        return values;
    }
}
