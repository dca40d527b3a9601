package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.graph.GraphEdge;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.models.Snapshot;
import io.hartonomous.storage.contract.keys.TenantApiKey;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;

/**
 * Result rows of the procedures as contract records. Columns are read by name (the names the procedures' SELECT
 * lists give), so a reordered SELECT cannot shift values into the wrong fields.
 */
final class SqlRows {
    private SqlRows() {
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    static Atom atom(ResultSet rs) throws SQLException {
        return new Atom(rs.getLong("AtomId"), ContentHash.wrap(rs.getBytes("ContentHash")),
                AtomType.of(Modality.fromWireName(rs.getString("Modality")), rs.getString("Subtype")),
                rs.getBytes("AtomicValue"), rs.getString("Metadata"), rs.getLong("ReferenceCount"),
                instant(rs, "CreatedAt"));
    }

    static IngestionJob job(ResultSet rs) throws SQLException {
        return new IngestionJob(rs.getLong("JobId"), rs.getString("TenantId"),
                Modality.fromWireName(rs.getString("Modality")), rs.getString("Name"),
                JobState.valueOf(rs.getString("State")), rs.getLong("ParentAtomId"),
                ContentHash.wrap(rs.getBytes("ContentHash")), rs.getInt("ChunksCommitted"), rs.getLong("BytesDone"),
                rs.getLong("BytesTotal"), rs.getLong("DistinctAtoms"), rs.getLong("NewAtoms"),
                rs.getLong("Compositions"), rs.getString("Error"), rs.getString("SourcePath"),
                rs.getObject("ChildIndex", Integer.class), instant(rs, "CreatedAt"), instant(rs, "UpdatedAt"));
    }

    static Model model(ResultSet rs) throws SQLException {
        return new Model(rs.getLong("ModelId"), rs.getLong("ParentAtomId"), rs.getString("Name"),
                rs.getString("Format"), rs.getInt("TensorCount"), rs.getLong("ParameterCount"),
                rs.getString("Metadata"), instant(rs, "CreatedAt"));
    }

    static ModelLayer layer(ResultSet rs) throws SQLException {
        return new ModelLayer(rs.getLong("ModelId"), rs.getInt("LayerIdx"), rs.getString("Name"),
                ChunkRows.parseShape(rs.getString("Shape")), rs.getString("DType"), rs.getString("StoredAs"),
                rs.getLong("ElementCount"));
    }

    static Snapshot snapshot(ResultSet rs) throws SQLException {
        return new Snapshot(rs.getLong("SnapshotId"), rs.getLong("ModelId"), rs.getString("Name"),
                instant(rs, "TakenAt"));
    }

    static GraphNode node(ResultSet rs) throws SQLException {
        return new GraphNode(rs.getLong("NodeId"), NodeKind.valueOf(rs.getString("NodeKind")), rs.getLong("RefId"),
                rs.getString("Label"));
    }

    static GraphEdge edge(ResultSet rs) throws SQLException {
        return new GraphEdge(rs.getLong("EdgeId"), rs.getLong("FromNodeId"), rs.getLong("ToNodeId"),
                rs.getString("Relation"));
    }

    static TenantApiKey apiKey(ResultSet rs) throws SQLException {
        return new TenantApiKey(rs.getLong("KeyId"), rs.getString("TenantId"), rs.getString("Name"),
                KeyHash.wrap(rs.getBytes("KeyHash")), scopes(rs.getString("Scopes")), rs.getInt("RateLimitPerMinute"),
                instant(rs, "ExpiresAt"), instant(rs, "RevokedAt"), instant(rs, "CreatedAt"));
    }

    /** Scopes are stored as their wire names, sorted and comma-separated ("ingest,query"). */
    static String scopesText(Set<Scope> scopes) {
        return String.join(",", scopes.stream().map(Scope::wireName).sorted().toList());
    }

    static Set<Scope> scopes(String text) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                scopes.add(Scope.parse(part));
            }
        }
        return scopes;
    }
}
