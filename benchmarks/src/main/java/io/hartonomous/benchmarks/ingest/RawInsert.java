package io.hartonomous.benchmarks.ingest;

import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.atoms.NewAtom;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * H2's own floor for the rows a file becomes: plain JDBC batch inserts of the distinct atoms and of every composition
 * or coefficient row, into the engine's tables with their indexes, one transaction per chunk. No reads, no dedup
 * against stored atoms, no reference-count upkeep, no jobs: what is left is the cost of H2 storing the rows.
 */
final class RawInsert {
    private RawInsert() {
    }

    static void insert(Connection c, RawRows rows) throws SQLException {
        try (Writer writer = new Writer(c, rows.metadataJson(), rows.model())) {
            for (Chunk chunk : rows.chunks()) {
                writer.chunk(chunk);
            }
        }
    }

    /** The same, a chunk at a time as an atomizer emits them (bounded memory, for files of any size). */
    static final class Writer implements AutoCloseable {
        private final Connection c;
        private final long parent;
        private final long model;
        private final Map<ContentHash, Long> ids = new HashMap<>();
        private final PreparedStatement atoms;
        private final PreparedStatement compositions;
        private final PreparedStatement coefficients;

        Writer(Connection c, String metadataJson, io.hartonomous.storage.contract.models.NewModel newModel)
                throws SQLException {
            this.c = c;
            c.setAutoCommit(false);
            parent = insertParent(c, metadataJson);
            model = newModel == null ? 0 : insertModel(c, parent, newModel);
            atoms = c.prepareStatement("INSERT INTO Atoms (ContentHash, Modality, Subtype, "
                    + "AtomicValue, ReferenceCount) VALUES (?, ?, ?, ?, 1)", Statement.RETURN_GENERATED_KEYS);
            compositions = c.prepareStatement("INSERT INTO AtomCompositionRows (ParentAtomId, "
                    + "ComponentAtomId, SequenceIndex, PositionX, PositionY) VALUES (?, ?, ?, ?, ?)");
            coefficients = c.prepareStatement("INSERT INTO TensorCoefficientRows (ModelId, "
                    + "LayerIdx, PositionZ, PositionY, PositionX, TensorAtomId) VALUES (?, ?, ?, ?, ?, ?)");
        }

        void chunk(Chunk chunk) throws SQLException {
            long[] chunkIds = atoms(atoms, chunk, ids);
            CompositionBatch comp = chunk.compositions();
            for (int i = 0; i < comp.size(); i++) {
                compositions.setLong(1, parent);
                compositions.setLong(2, chunkIds[comp.atomOrdinal()[i]]);
                compositions.setLong(3, comp.sequenceIndex()[i]);
                compositions.setLong(4, comp.positionX()[i]);
                compositions.setLong(5, comp.positionY()[i]);
                compositions.addBatch();
            }
            CoefficientBatch coef = chunk.coefficients();
            for (int i = 0; i < coef.size(); i++) {
                coefficients.setLong(1, model);
                coefficients.setInt(2, coef.layerIdx()[i]);
                coefficients.setLong(3, coef.positionZ()[i]);
                coefficients.setLong(4, coef.positionY()[i]);
                coefficients.setLong(5, coef.positionX()[i]);
                coefficients.setLong(6, chunkIds[coef.atomOrdinal()[i]]);
                coefficients.addBatch();
            }
            if (comp.size() > 0) {
                compositions.executeBatch();
            }
            if (coef.size() > 0) {
                coefficients.executeBatch();
            }
            c.commit();
        }

        @Override
        public void close() throws SQLException {
            try (atoms; compositions; coefficients) {
                c.commit();
            }
        }
    }

    /** Inserts the chunk's atoms not inserted before; returns the chunk's ids by ordinal. */
    private static long[] atoms(PreparedStatement ps, Chunk chunk, Map<ContentHash, Long> ids)
            throws SQLException {
        long[] chunkIds = new long[chunk.atoms().size()];
        int[] pending = new int[chunk.atoms().size()];
        int n = 0;
        for (int i = 0; i < chunk.atoms().size(); i++) {
            NewAtom atom = chunk.atoms().get(i);
            Long known = ids.get(atom.contentHash());
            if (known != null) {
                chunkIds[i] = known;
                continue;
            }
            ps.setBytes(1, atom.contentHash().bytes());
            ps.setString(2, atom.type().modality().wireName());
            ps.setString(3, atom.type().subtype());
            ps.setBytes(4, atom.value());
            ps.addBatch();
            pending[n++] = i;
        }
        if (n > 0) {
            ps.executeBatch();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                for (int k = 0; k < n && keys.next(); k++) {
                    chunkIds[pending[k]] = keys.getLong(1);
                    ids.put(chunk.atoms().get(pending[k]).contentHash(), chunkIds[pending[k]]);
                }
            }
        }
        return chunkIds;
    }

    private static long insertParent(Connection c, String metadata) throws SQLException {
        byte[] hash = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(hash);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Atoms (ContentHash, Modality, Subtype, "
                + "Metadata) VALUES (?, 'image', 'file', ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setBytes(1, hash);
            ps.setString(2, metadata);
            ps.executeUpdate();
            return key(ps);
        }
    }

    private static long insertModel(Connection c, long parent, io.hartonomous.storage.contract.models.NewModel newModel)
            throws SQLException {
        long model;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Models (ParentAtomId, JobId, Name, Format, "
                + "TensorCount, ParameterCount) VALUES (?, 0, ?, ?, ?, 0)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, parent);
            ps.setString(2, newModel.name());
            ps.setString(3, newModel.format());
            ps.setInt(4, newModel.layers().size());
            ps.executeUpdate();
            model = key(ps);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ModelLayers (ModelId, LayerIdx, Name, Shape, "
                + "DType, StoredAs, ElementCount) VALUES (?, ?, ?, '', ?, ?, ?)")) {
            for (ModelLayer layer : newModel.layers()) {
                ps.setLong(1, model);
                ps.setInt(2, layer.layerIdx());
                ps.setString(3, layer.name());
                ps.setString(4, layer.dtype());
                ps.setString(5, layer.storedAs());
                ps.setLong(6, layer.elementCount());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return model;
    }

    private static long key(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            keys.next();
            return keys.getLong(1);
        }
    }
}
