package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.engine.jdbc.ProvenanceSyncBodies;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.StorageException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SQL Server provenance feed against {@link RecordingJdbc} (no server here): one connection, no tenant, the
 * receive procedure inside an explicit transaction that commits after the handler and rolls back when it throws,
 * and the JSON bodies sql/074 writes mapped to {@link GraphChange}s.
 */
class SqlServerProvenanceFeedTest {
    private static final String NODE = "{\"change\":\"node\",\"tenantId\":\"acme\",\"nodeId\":7,\"kind\":\"FILE\","
            + "\"refId\":42,\"label\":\"a.png\",\"changedAt\":\"2026-03-01T10:15:30.1234567\"}";
    private static final String EDGE = "{\"change\":\"edge\",\"tenantId\":\"acme\",\"edgeId\":3,\"fromNodeId\":7,"
            + "\"toNodeId\":8,\"relation\":\"derived-from\",\"changedAt\":\"2026-03-01T10:15:31\"}";

    private final RecordingJdbc jdbc = new RecordingJdbc();
    private final SqlServerProvenanceFeed feed = new SqlServerProvenanceFeed(new Session(jdbc.dataSource(), null, 3));

    private static Map<String, Object> message(long order, String body) {
        return Map.of("MessageOrder", order, "Body", body);
    }

    @Test
    void receivesInOneTransactionThatCommitsAfterTheHandler() {
        jdbc.thenRows(List.of(message(1, NODE), message(2, EDGE)));
        List<GraphChange> got = new ArrayList<>();
        int n = feed.receive(50, Duration.ofSeconds(2), changes -> {
            assertThat(jdbc.transactions).as("still open while handling").containsExactly("#1 autoCommit=false");
            got.addAll(changes);
        });
        assertThat(n).isEqualTo(2);
        assertThat(got).containsExactly(
                new GraphChange.NodeUpserted("acme", 7, NodeKind.FILE, 42, "a.png",
                        Instant.parse("2026-03-01T10:15:30.1234567Z")),
                new GraphChange.EdgeCreated("acme", 3, 7, 8, "derived-from", Instant.parse("2026-03-01T10:15:31Z")));
        assertThat(jdbc.statements).extracting(s -> s.sql).containsExactly(Session.SET_TENANT,
                "EXEC provenance.sp_ReceiveProvenanceSync @MaxMessages = ?, @TimeoutMilliseconds = ?");
        assertThat(jdbc.statements.get(0).values()).as("engine-wide: no tenant")
                .containsExactly(new RecordingJdbc.Null(Types.NVARCHAR));
        assertThat(jdbc.statements.get(1).values()).containsExactly(50, 2000);
        assertThat(jdbc.transactions).containsExactly("#1 autoCommit=false", "#1 commit", "#1 autoCommit=true");
        assertThat(jdbc.connectionsClosed).isEqualTo(jdbc.connectionsOpened).isEqualTo(1);
    }

    @Test
    void aThrowingHandlerRollsBackAndItsExceptionComesOut() {
        jdbc.thenRows(List.of(message(1, NODE)));
        IllegalStateException down = new IllegalStateException("neo4j down");
        assertThatThrownBy(() -> feed.receive(10, Duration.ZERO, changes -> {
            throw down;
        })).isSameAs(down);
        assertThat(jdbc.transactions).containsExactly("#1 autoCommit=false", "#1 rollback", "#1 autoCommit=true");
        assertThat(jdbc.statements).extracting(st -> st.sql).as("the failure is charged after the rollback")
                .endsWith("EXEC provenance.sp_RecordSyncFailure @Handles = ?, @Error = ?");
        assertThat(jdbc.statements.getLast().values().get(1).toString()).contains("neo4j down");
        assertThat(jdbc.connectionsClosed).isEqualTo(jdbc.connectionsOpened).isEqualTo(2);
    }

    @Test
    void nothingInTimeCallsNoHandlerAndAFailedReceiveRollsBack() {
        assertThat(feed.receive(10, Duration.ofMillis(100), changes -> {
            throw new AssertionError("no handler without changes");
        })).isZero();
        assertThat(jdbc.transactions).containsExactly("#1 autoCommit=false", "#1 commit", "#1 autoCommit=true");

        jdbc.transactions.clear();
        jdbc.thenFail(new SQLException("The service queue \"ProvenanceSyncQueue\" is currently disabled.", "S0001",
                9617));
        assertThatThrownBy(() -> feed.receive(10, Duration.ZERO, changes -> { }))
                .isInstanceOf(StorageException.class).hasMessageContaining("currently disabled");
        assertThat(jdbc.transactions).containsExactly("#2 autoCommit=false", "#2 rollback", "#2 autoCommit=true");
    }

    @Test
    void aBodyThatIsNoGraphChangeIsDroppedAndTheRestDelivered() {
        jdbc.thenRows(List.of(message(1, "{\"change\":\"vertex\",\"tenantId\":\"acme\"}"), message(2, "not json"),
                message(3, EDGE)));
        List<GraphChange> got = new ArrayList<>();
        assertThat(feed.receive(10, Duration.ZERO, got::addAll)).isEqualTo(1);
        assertThat(got).singleElement().isInstanceOf(GraphChange.EdgeCreated.class);
        assertThat(jdbc.transactions).contains("#1 commit");
    }

    @Test
    void removalBodiesAsDboSpRunDeletionBatchSendsThem() {
        Instant read = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(ProvenanceSyncBodies.parse("{\"change\":\"node-removed\",\"tenantId\":\"acme\",\"nodeId\":7,"
                + "\"changedAt\":\"2026-03-01T10:15:30\"}", () -> read))
                .isEqualTo(new GraphChange.NodeRemoved("acme", 7, Instant.parse("2026-03-01T10:15:30Z")));
        assertThat(ProvenanceSyncBodies.parse("{\"change\":\"edge-removed\",\"tenantId\":\"acme\",\"edgeId\":3}",
                () -> read)).isEqualTo(new GraphChange.EdgeRemoved("acme", 3, read));
        assertThatThrownBy(() -> ProvenanceSyncBodies.parse("{\"change\":\"node-removed\",\"tenantId\":\"acme\"}",
                () -> read)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeId");
        // A dead-lettered removal is written back as a body and must read as the same change.
        for (GraphChange removal : List.of(new GraphChange.NodeRemoved("acme", 7, Instant.parse("2026-03-01T10:15:30Z")),
                new GraphChange.EdgeRemoved("acme", 3, Instant.parse("2026-03-01T10:15:31Z")))) {
            assertThat(ProvenanceSyncBodies.parse(ProvenanceSyncBodies.body(removal), () -> read)).isEqualTo(removal);
        }
    }

    @Test
    void bodiesMapWhateverTheTimeLooksLike() {
        Instant read = Instant.parse("2030-01-01T00:00:00Z");
        String unlabelled = "{\"change\":\"node\",\"tenantId\":\"t-1\",\"nodeId\":1,\"kind\":\"MODEL\",\"refId\":9,"
                + "\"label\":null}";
        assertThat(ProvenanceSyncBodies.parse(unlabelled, () -> read)).as("no changedAt: read time")
                .isEqualTo(new GraphChange.NodeUpserted("t-1", 1, NodeKind.MODEL, 9, null, read));
        String offset = EDGE.replace("2026-03-01T10:15:31", "2026-03-01T12:15:31+02:00");
        assertThat(ProvenanceSyncBodies.parse(offset, () -> read).changedAt())
                .isEqualTo(Instant.parse("2026-03-01T10:15:31Z"));
        for (String bad : List.of("[]", "{\"change\":\"node\"}", NODE.replace("\"FILE\"", "\"FOLDER\""),
                NODE.replace("\"nodeId\":7", "\"nodeId\":\"7\""), EDGE.replace("2026-03-01T10:15:31", "yesterday"),
                EDGE.replace("\"relation\":\"derived-from\"", "\"relation\":null"))) {
            assertThatThrownBy(() -> ProvenanceSyncBodies.parse(bad, () -> read)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
