package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.vectors.SearchResult;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.hartonomous.storage.contract.models.TensorCell;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the engine sends, in order, for its units of work: the tenant first on every checked-out connection, then
 * the procedure with its parameters. Run against {@link RecordingJdbc}, which records statements and runs nothing.
 */
class SessionTest {
    private final RecordingJdbc jdbc = new RecordingJdbc();

    private Session tenant(String id) {
        return new Session(jdbc.dataSource(), id, 3);
    }

    @Test
    void everyCheckoutSetsTheTenantBeforeTheCallAndReturnsTheConnection() {
        SqlServerAtomReads atoms = new SqlServerAtomReads(tenant("acme"));
        assertThat(atoms.byId(42)).isEmpty();
        assertThat(atoms.byId(43)).isEmpty();

        assertThat(jdbc.statements).extracting(s -> s.sql).containsExactly(
                Session.SET_TENANT, "EXEC dbo.sp_GetAtom @AtomId = ?",
                Session.SET_TENANT, "EXEC dbo.sp_GetAtom @AtomId = ?");
        assertThat(jdbc.statements.get(0).values()).containsExactly("acme");
        assertThat(jdbc.statements.get(1).values()).containsExactly(42L);
        assertThat(jdbc.statements.get(0).connection).isEqualTo(jdbc.statements.get(1).connection);
        assertThat(jdbc.statements.get(2).connection).isNotEqualTo(jdbc.statements.get(1).connection);
        assertThat(jdbc.connectionsClosed).isEqualTo(jdbc.connectionsOpened).isEqualTo(2);
    }

    @Test
    void engineWideWorkClearsTheTenantSoAPooledConnectionCarriesNone() {
        jdbc.thenRows(List.of(Map.of("Depth", 0L))).thenRows(List.of(Map.of("Revoked", true)));
        assertThat(new SqlServerMessageQueue(tenant(null)).depth("jobs")).isZero();
        assertThat(new SqlServerApiKeyStore(tenant(null)).revoke(5)).isTrue();
        assertThat(jdbc.statements.get(0).sql).isEqualTo(Session.SET_TENANT);
        assertThat(jdbc.statements.get(0).values()).containsExactly(new RecordingJdbc.Null(Types.NVARCHAR));
        assertThat(jdbc.calls()).extracting(s -> s.sql).containsExactly("EXEC ops.sp_QueueDepth @QueueName = ?",
                "EXEC dbo.sp_RevokeApiKey @KeyId = ?");
    }

    @Test
    void streamsHoldTheirConnectionUntilClosed() {
        jdbc.thenRows(List.of(
                Map.of("PositionX", 0L, "PositionY", 0L, "PositionZ", 0L, "Subtype", "f32",
                        "AtomicValue", new byte[] {1, 0, 0, 0}),
                Map.of("PositionX", 1L, "PositionY", 0L, "PositionZ", 0L, "Subtype", "f32",
                        "AtomicValue", new byte[] {2, 0, 0, 0})));
        SqlServerModelStore models = new SqlServerModelStore(tenant("acme"));
        try (Stream<TensorCell> cells = models.tensor(9, 0, null)) {
            assertThat(jdbc.connectionsClosed).as("open while streaming").isZero();
            assertThat(cells.toList()).extracting(TensorCell::positionX).containsExactly(0L, 1L);
        }
        assertThat(jdbc.connectionsClosed).isEqualTo(1);
        assertThat(jdbc.calls().getFirst().values()).containsExactly(9L, 0, new RecordingJdbc.Null(Types.TIMESTAMP));
    }

    private static Map<String, Object> segment(long first, int count, long stride, int width, int... ordinals) {
        byte[] packed = new byte[ordinals.length * width];
        for (int i = 0; i < ordinals.length; i++) {
            for (int k = 0; k < width; k++) {
                packed[i * width + k] = (byte) (ordinals[i] >>> (8 * (width - 1 - k)));
            }
        }
        return Map.of("FirstSequence", first, "PositionCount", count, "Stride", stride, "ColumnMajor", false,
                "OrdinalWidth", width, "Ordinals", packed);
    }

    private static Map<String, Object> entry(int ordinal, long atomId) {
        return Map.of("Ordinal", ordinal, "AtomId", atomId, "Modality", "image", "Subtype", "rgba8",
                "AtomicValue", new byte[] {(byte) atomId, 0, 0, (byte) 255});
    }

    /**
     * Composition reads are windows of the procedure's four result sets, each window its own call on its own
     * connection (nothing held between them): the first is read at once, a window in a gap continues at the next
     * stored position the procedure names, and the reads stop at the limit.
     */
    @Test
    void compositionsAreReadInWindowsThatSkipGapsAndStopAtTheLimit() {
        Map<String, Object> next = new java.util.HashMap<>();
        next.put("NextSequence", 100L);
        Map<String, Object> none = new java.util.HashMap<>();
        none.put("NextSequence", null);
        // Window [2, 7): a 4-wide image's segment 0..5 (ordinals 0 1 1 0 2 2, two bytes each) and a row at 6.
        jdbc.thenResults(List.of(segment(0, 6, 4, 2, 0, 1, 1, 0, 2, 2)),
                        List.of(Map.of("SequenceIndex", 6L, "PositionX", 2L, "PositionY", 1L, "ComponentAtomId", 77L,
                                "Modality", "image", "Subtype", "rgba8", "AtomicValue", new byte[] {7, 7, 7, 7})),
                        List.of(entry(0, 10), entry(1, 11), entry(2, 12)), List.of(next))
                // Window [100, 102): one segment of one-byte ordinals; nothing after it.
                .thenResults(List.of(segment(100, 3, 4, 1, 1, 0, 1)), List.of(), List.of(entry(0, 10), entry(1, 11)),
                        List.of(none));
        SqlServerAtomReads atoms = new SqlServerAtomReads(tenant("acme"));
        List<AtomComposition> read;
        try (Stream<AtomComposition> rows = atoms.compositions(9, 2, 7)) {
            assertThat(jdbc.calls()).as("the first window is read before the stream is used").hasSize(1);
            assertThat(jdbc.connectionsClosed).as("and its connection is back").isEqualTo(1);
            read = rows.toList();
        }
        assertThat(read).containsExactly(
                new AtomComposition(9, 11, 2, 2, 0), new AtomComposition(9, 10, 3, 3, 0),
                new AtomComposition(9, 12, 4, 0, 1), new AtomComposition(9, 12, 5, 1, 1),
                new AtomComposition(9, 77, 6, 2, 1),
                new AtomComposition(9, 11, 100, 0, 25), new AtomComposition(9, 10, 101, 1, 25));
        assertThat(jdbc.calls()).extracting(s -> s.sql).containsOnly(
                "EXEC dbo.sp_GetCompositionWindow @ParentAtomId = ?, @FromSequence = ?, @Limit = ?");
        assertThat(jdbc.calls().get(0).values()).containsExactly(9L, 2L, 7);
        assertThat(jdbc.calls().get(1).values()).as("the rest of the limit, from the next stored position")
                .containsExactly(9L, 100L, 2);
        assertThat(jdbc.connectionsClosed).isEqualTo(jdbc.connectionsOpened).isEqualTo(2);
    }

    @Test
    void aDeadlockVictimRunsAgainAndAProcedureErrorDoesNot() {
        jdbc.thenFail(new SQLException("Transaction was deadlocked", "40001", 1205))
                .thenRows(List.of(Map.of("Depth", 4L)));
        assertThat(new SqlServerMessageQueue(tenant(null)).depth("q")).isEqualTo(4);
        assertThat(jdbc.calls()).hasSize(2);
        assertThat(jdbc.connectionsClosed).isEqualTo(2);

        jdbc.thenFail(new SQLException("model 7 not found", "S0001", 50404));
        assertThatThrownBy(() -> new SqlServerModelStore(tenant("acme")).layers(7))
                .isInstanceOf(NotFoundException.class).hasMessage("model 7 not found");
        assertThat(jdbc.calls()).hasSize(3);
    }

    @Test
    void aUnitThatKeepsLosingRacesGivesUpAfterItsAttempts() {
        for (int i = 0; i < 3; i++) {
            jdbc.thenFail(new SQLException("deadlocked", "40001", 1205));
        }
        assertThatThrownBy(() -> new SqlServerMessageQueue(tenant(null)).depth("q"))
                .isInstanceOf(StorageException.class).hasMessageContaining("gave up after 3 attempts");
        assertThat(jdbc.connectionsClosed).isEqualTo(3);
    }

    @Test
    void searchesPassEveryFilterAndHybridAddsItsCandidates() {
        jdbc.thenRows(List.of(Map.of("AtomId", 11L, "EmbeddingType", "e", "Distance", 0.25, "Examined", 40L)));
        SqlServerVectorStore vectors = new SqlServerVectorStore(tenant("acme"), new Landmarks());
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        SearchResult exact = vectors.search(new SearchRequest(new float[] {1, 2}, 3, Metric.COSINE, SearchMode.EXACT,
                "e", Modality.AUDIO, "pcm16", from, null, 0));
        assertThat(exact.hits()).singleElement().satisfies(h -> assertThat(h.distance()).isEqualTo(0.25));
        assertThat(exact.candidatesReranked()).isEqualTo(40);
        vectors.search(SearchRequest.of(new float[] {1}, 2, Metric.DOT, SearchMode.HYBRID));

        RecordingJdbc.Statement e = jdbc.calls().get(0);
        assertThat(e.sql).startsWith("EXEC dbo.sp_ExactVectorSearch ");
        assertThat(e.values().subList(1, 8)).containsExactly(3, "cosine", "e", "audio", "pcm16",
                LocalDateTime.parse("2026-01-01T00:00"), new RecordingJdbc.Null(Types.TIMESTAMP));
        RecordingJdbc.Statement h = jdbc.calls().get(1);
        assertThat(h.sql).startsWith("EXEC dbo.sp_HybridSearch ");
        assertThat(h.values().subList(1, 9)).containsExactly(2, "dot", new RecordingJdbc.Null(Types.NVARCHAR),
                new RecordingJdbc.Null(Types.NVARCHAR), new RecordingJdbc.Null(Types.NVARCHAR),
                new RecordingJdbc.Null(Types.TIMESTAMP), new RecordingJdbc.Null(Types.TIMESTAMP), 0);
    }

    @Test
    void argumentsTheContractRefusesNeverReachTheServer() {
        Session s = tenant("acme");
        assertThatThrownBy(() -> new SqlServerProvenanceGraph(s).lineage(NodeKind.FILE, 1, 0, LineageDirection.BOTH))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SqlServerProvenanceGraph(s).edge(1, 2, " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SqlServerUsageLedger(s).record("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SqlServerUsageLedger(s).usage(Instant.now(), Instant.EPOCH, UsageGrouping.DAY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SqlServerMessageQueue(s).receive("q", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SqlServerModelStore(s).rollback(1, Instant.now().plusSeconds(60), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("future");
        assertThatThrownBy(() -> new SqlServerModelStore(s).createSnapshot(1, "")).isInstanceOf(
                IllegalArgumentException.class);
        assertThat(new SqlServerModelStore(s).updateWeights(1, 0, List.of())).isZero();
        assertThat(jdbc.connectionsOpened).isZero();
    }

    @Test
    void receivedMessagesAndLineageAreReadByColumnName() {
        jdbc.thenRows(List.of(Map.of("MessageId", 5L, "QueueName", "q", "Body", "hi", "DeliveryCount", 2,
                "LeaseToken", "abc", "EnqueuedAt", LocalDateTime.parse("2026-02-03T04:05:06"))));
        var received = new SqlServerMessageQueue(tenant(null)).receive("q", 10, Duration.ofMillis(1500));
        assertThat(received).singleElement().satisfies(m -> {
            assertThat(m.deliveryCount()).isEqualTo(2);
            assertThat(m.enqueuedAt()).isEqualTo(Instant.parse("2026-02-03T04:05:06Z"));
        });
        assertThat(jdbc.calls().getFirst().values()).containsExactly("q", 10, 1500L);

        jdbc.thenRows(List.of(Map.of("Depth", 1, "EdgeId", 8L, "FromNodeId", 1L, "ToNodeId", 2L, "Relation", "r",
                "NodeId", 2L, "NodeKind", "MODEL", "RefId", 10L, "Label", "m")));
        var steps = new SqlServerProvenanceGraph(tenant("acme")).lineage(NodeKind.FILE, 1, 3,
                LineageDirection.DOWNSTREAM);
        assertThat(steps).singleElement().satisfies(step -> {
            assertThat(step.node().kind()).isEqualTo(NodeKind.MODEL);
            assertThat(step.via().edgeId()).isEqualTo(8);
        });
        assertThat(jdbc.calls().get(1).values()).containsExactly("FILE", 1L, 3, "DOWNSTREAM");
    }

    @Test
    void aDuplicateKeyIsAConflict() {
        jdbc.thenFail(new SQLException("that key is already registered", "S0001", 50409));
        assertThatThrownBy(() -> new SqlServerApiKeyStore(tenant(null)).revoke(1))
                .isInstanceOf(ConflictException.class);
    }
}
