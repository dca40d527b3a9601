package io.hartonomous.storage.engine.jdbc;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.graph.GraphEdge;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.Snapshot;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Rows as contract records, for both engines: the embedded engine's SELECT lists and the SQL Server procedures'
 * result sets name their columns alike. Columns are read by name, so a column added to or moved in a SELECT cannot
 * silently shift values into the wrong fields. The engines differ only in how they keep time ({@link InstantColumn}).
 */
public final class ContractRows {
    private final InstantColumn instants;

    public ContractRows(InstantColumn instants) {
        this.instants = instants;
    }

    public Instant instant(ResultSet rs, String column) throws SQLException {
        return instants.read(rs, column);
    }

    public Atom atom(ResultSet rs) throws SQLException {
        return new Atom(rs.getLong("AtomId"), ContentHash.wrap(rs.getBytes("ContentHash")),
                AtomType.of(Modality.fromWireName(rs.getString("Modality")), rs.getString("Subtype")),
                rs.getBytes("AtomicValue"), rs.getString("Metadata"), rs.getLong("ReferenceCount"),
                instant(rs, "CreatedAt"));
    }

    public IngestionJob job(ResultSet rs) throws SQLException {
        return new IngestionJob(rs.getLong("JobId"), rs.getString("TenantId"),
                Modality.fromWireName(rs.getString("Modality")), rs.getString("Name"),
                JobState.valueOf(rs.getString("State")), rs.getLong("ParentAtomId"),
                ContentHash.wrap(rs.getBytes("ContentHash")), rs.getInt("ChunksCommitted"), rs.getLong("BytesDone"),
                rs.getLong("BytesTotal"), rs.getLong("DistinctAtoms"), rs.getLong("NewAtoms"),
                rs.getLong("Compositions"), rs.getString("Error"), rs.getString("SourcePath"),
                rs.getObject("ChildIndex", Integer.class), instant(rs, "CreatedAt"), instant(rs, "UpdatedAt"));
    }

    public Model model(ResultSet rs) throws SQLException {
        return new Model(rs.getLong("ModelId"), rs.getLong("ParentAtomId"), rs.getString("Name"),
                rs.getString("Format"), rs.getInt("TensorCount"), rs.getLong("ParameterCount"),
                rs.getString("Metadata"), instant(rs, "CreatedAt"));
    }

    public ModelLayer layer(ResultSet rs) throws SQLException {
        return new ModelLayer(rs.getLong("ModelId"), rs.getInt("LayerIdx"), rs.getString("Name"),
                parseShape(rs.getString("Shape")), rs.getString("DType"), rs.getString("StoredAs"),
                rs.getLong("ElementCount"));
    }

    public Snapshot snapshot(ResultSet rs) throws SQLException {
        return new Snapshot(rs.getLong("SnapshotId"), rs.getLong("ModelId"), rs.getString("Name"),
                instant(rs, "TakenAt"));
    }

    public GraphNode node(ResultSet rs) throws SQLException {
        return new GraphNode(rs.getLong("NodeId"), NodeKind.valueOf(rs.getString("NodeKind")), rs.getLong("RefId"),
                rs.getString("Label"));
    }

    public GraphEdge edge(ResultSet rs) throws SQLException {
        return new GraphEdge(rs.getLong("EdgeId"), rs.getLong("FromNodeId"), rs.getLong("ToNodeId"),
                rs.getString("Relation"));
    }

    public TenantApiKey apiKey(ResultSet rs) throws SQLException {
        return new TenantApiKey(rs.getLong("KeyId"), rs.getString("TenantId"), rs.getString("Name"),
                KeyHash.wrap(rs.getBytes("KeyHash")), scopes(rs.getString("Scopes")), rs.getInt("RateLimitPerMinute"),
                instant(rs, "ExpiresAt"), instant(rs, "RevokedAt"), instant(rs, "CreatedAt"));
    }

    /** Scopes are stored as their wire names, sorted and comma-separated ("ingest,query"). */
    public static String scopesText(Set<Scope> scopes) {
        return String.join(",", scopes.stream().map(Scope::wireName).sorted().toList());
    }

    public static Set<Scope> scopes(String text) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                scopes.add(Scope.parse(part));
            }
        }
        return scopes;
    }

    /** A tensor's shape is stored as text "[a,b,c]", outermost first. */
    public static String shapeText(List<Long> shape) {
        return shape.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    public static List<Long> parseShape(String text) {
        String inner = text.substring(1, text.length() - 1).trim();
        List<Long> shape = new ArrayList<>();
        if (!inner.isEmpty()) {
            for (String part : inner.split(",")) {
                shape.add(Long.parseLong(part.trim()));
            }
        }
        return List.copyOf(shape);
    }
}
