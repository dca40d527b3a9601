package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.deletion.DeletionState;
import io.hartonomous.storage.contract.deletion.Deletions;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.GraphEdge;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.models.WeightUpdate;
import io.hartonomous.storage.contract.vectors.AtomEmbedding;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deleting files: ownership first, then rows in resumable batches with exact reference counts; shared leaves stay,
 * leaves nothing references go; the other file's rows are untouched and read back identically; graph removals reach
 * the provenance feed; a concurrent ingest of an overlapping file loses nothing.
 */
public abstract class DeletionContract extends StorageContractSuite {
    /** Two images sharing {@link #shared} leaves, each with leaves of its own. */
    private record Pair(String tenant, long fileA, long fileB, List<NewAtom> shared, List<NewAtom> onlyA,
                        List<NewAtom> onlyB, Map<ContentHash, Long> refsB, long rowsA) {
    }

    /** What a file was written with: references per atom, and its values in sequence order. */
    private record Ingested(Map<ContentHash, Long> refs, List<byte[]> values) {
    }

    /** A file of {@code chunks} chunks, every chunk referencing random atoms of {@code atoms}. */
    private static Ingested ingest(TenantStorage t, NewJob job, List<NewAtom> atoms, int chunks, int rows) {
        Map<ContentHash, Long> refs = new HashMap<>();
        List<byte[]> values = new ArrayList<>();
        long jobId = t.ingest().startJob(job).job().jobId();
        for (int c = 0; c < chunks; c++) {
            int[] ordinals = new int[rows];
            for (int i = 0; i < rows; i++) {
                // Every atom at least once, the rest at random.
                ordinals[i] = i < atoms.size() ? i : ThreadLocalRandom.current().nextInt(atoms.size());
                refs.merge(atoms.get(ordinals[i]).contentHash(), 1L, Long::sum);
                values.add(atoms.get(ordinals[i]).value());
            }
            t.ingest().writeChunk(jobId, imageChunk(c, atoms, (long) c * rows, ordinals));
        }
        t.ingest().completeJob(jobId, null);
        return new Ingested(refs, values);
    }

    private Pair overlappingPair() {
        String tenant = newTenant();
        TenantStorage t = engine.forTenant(tenant);
        List<NewAtom> all = randomPixels(30);
        List<NewAtom> shared = all.subList(0, 10);
        List<NewAtom> onlyA = all.subList(10, 20);
        List<NewAtom> onlyB = all.subList(20, 30);
        NewJob jobA = newJob(Modality.IMAGE, "a.png");
        NewJob jobB = newJob(Modality.IMAGE, "b.png");
        ingest(t, jobA, concat(shared, onlyA), 3, 40);
        Map<ContentHash, Long> refsB = ingest(t, jobB, concat(shared, onlyB), 2, 50).refs();
        long fileA = t.atoms().byHash(jobA.fileHash()).orElseThrow().atomId();
        long fileB = t.atoms().byHash(jobB.fileHash()).orElseThrow().atomId();
        return new Pair(tenant, fileA, fileB, shared, onlyA, onlyB, refsB, 3 * 40);
    }

    private static List<NewAtom> concat(List<NewAtom> a, List<NewAtom> b) {
        List<NewAtom> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<PlacedValue> values(TenantStorage t, long file) {
        try (Stream<PlacedValue> rows = t.atoms().placedValues(file, 0, 1_000_000)) {
            return rows.toList();
        }
    }

    private static long count(TenantStorage t, NewAtom atom) {
        return t.atoms().byHash(atom.contentHash()).map(Atom::referenceCount).orElse(-1L);
    }

    /** What is left of the pair after file A is gone: every count exact, B read back as before. */
    private void assertOnlyBRemains(Pair p, List<PlacedValue> before) {
        TenantStorage t = engine.forTenant(p.tenant());
        assertThat(t.atoms().byId(p.fileA())).as("the deleted file").isEmpty();
        assertThatThrownBy(() -> t.atoms().compositionCount(p.fileA())).isInstanceOf(NotFoundException.class);
        for (NewAtom a : p.onlyA()) {
            assertThat(t.atoms().byHash(a.contentHash())).as("a leaf only A referenced is purged").isEmpty();
        }
        for (NewAtom a : p.shared()) {
            assertThat(count(t, a)).as("a shared leaf keeps exactly B's references")
                    .isEqualTo(p.refsB().get(a.contentHash()));
        }
        for (NewAtom a : p.onlyB()) {
            assertThat(count(t, a)).isEqualTo(p.refsB().get(a.contentHash()));
        }
        assertThat(values(t, p.fileB())).as("B reconstructs bit for bit")
                .usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(before);
    }

    @Test
    void deletingOneOfTwoOverlappingFilesKeepsTheOtherExactly() {
        Pair p = overlappingPair();
        TenantStorage t = engine.forTenant(p.tenant());
        List<PlacedValue> before = values(t, p.fileB());
        assertThat(before).hasSize(100);

        DeletionJob started = engine.deletions().request(p.tenant(), p.fileA(), false);
        assertThat(started.state()).isEqualTo(DeletionState.RUNNING);
        assertThat(started.ownershipOnly()).isFalse();
        assertThat(started.rowsTotal()).isEqualTo(p.rowsA());
        assertThat(t.atoms().byId(p.fileA())).as("invisible as soon as it is requested").isEmpty();

        DeletionJob done = engine.deletions().runToEnd(started.jobId(), 7);
        assertThat(done.state()).isEqualTo(DeletionState.COMPLETED);
        assertThat(done.rowsDone()).isEqualTo(p.rowsA());
        assertThat(done.leavesPurged()).isEqualTo(p.onlyA().size());
        assertThat(engine.deletions().job(started.jobId())).contains(done);
        assertThat(engine.deletions().unfinished()).extracting(DeletionJob::jobId).doesNotContain(done.jobId());
        assertOnlyBRemains(p, before);
    }

    @Test
    void aTenantThatDoesNotOwnTheFileCannotDeleteIt() {
        Pair p = overlappingPair();
        String stranger = newTenant();
        assertThatThrownBy(() -> engine.deletions().request(stranger, p.fileA(), false))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.deletions().request(p.tenant(), Long.MAX_VALUE, false))
                .isInstanceOf(NotFoundException.class);
        long leaf = engine.forTenant(p.tenant()).atoms().byHash(p.shared().getFirst().contentHash()).orElseThrow()
                .atomId();
        assertThatThrownBy(() -> engine.deletions().request(p.tenant(), leaf, false))
                .as("a leaf atom is not a file").isInstanceOf(ConflictException.class).hasMessageContaining("leaf");
        assertThatThrownBy(() -> engine.deletions().request(stranger, leaf, false))
                .as("leaves are shared content: the same answer for every tenant")
                .isInstanceOf(ConflictException.class);
        assertThat(engine.forTenant(p.tenant()).atoms().byId(p.fileA())).as("still there").isPresent();
        assertThat(engine.forTenant(p.tenant()).atoms().compositionCount(p.fileA())).isEqualTo(p.rowsA());
    }

    @Test
    void withTwoOwnersTheFirstDeletionRemovesOnlyItsOwnership() {
        Pair p = overlappingPair();
        String second = newTenant();
        TenantStorage other = engine.forTenant(second);
        ContentHash hashA = engine.forTenant(p.tenant()).atoms().byId(p.fileA()).orElseThrow().contentHash();
        assertThat(other.ingest().startJob(new NewJob(Modality.IMAGE, "a-again.png", hashA, 1000, "{}", null))
                .deduplicated()).isTrue();
        List<PlacedValue> valuesA = values(other, p.fileA());

        DeletionJob first = engine.deletions().request(p.tenant(), p.fileA(), false);
        assertThat(first.state()).isEqualTo(DeletionState.COMPLETED);
        assertThat(first.ownershipOnly()).isTrue();
        assertThat(first.rowsTotal()).isZero();
        assertThat(engine.forTenant(p.tenant()).atoms().byId(p.fileA())).as("gone for the first owner").isEmpty();
        assertThat(other.atoms().byId(p.fileA())).as("kept for the second").isPresent();
        assertThat(values(other, p.fileA())).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(valuesA);
        assertThatThrownBy(() -> engine.deletions().request(p.tenant(), p.fileA(), false))
                .as("no longer its file").isInstanceOf(NotFoundException.class);

        List<PlacedValue> before = values(engine.forTenant(p.tenant()), p.fileB());
        DeletionJob last = engine.deletions().request(second, p.fileA(), false);
        assertThat(last.ownershipOnly()).isFalse();
        assertThat(engine.deletions().runToEnd(last.jobId(), Deletions.DEFAULT_BATCH).state())
                .isEqualTo(DeletionState.COMPLETED);
        assertOnlyBRemains(p, before);
    }

    @Test
    void whatTheLeavingOwnerWroteAboutTheFileGoesWithItsOwnership() {
        Pair p = overlappingPair();
        TenantStorage first = engine.forTenant(p.tenant());
        String second = newTenant();
        TenantStorage other = engine.forTenant(second);
        ContentHash hashA = first.atoms().byId(p.fileA()).orElseThrow().contentHash();
        other.ingest().startJob(new NewJob(Modality.IMAGE, "a-again.png", hashA, 1000, "{}", null));
        GraphNode firstNode = first.graph().node(NodeKind.FILE, p.fileA(), "a.png");
        GraphNode otherNode = other.graph().node(NodeKind.FILE, p.fileA(), "a-again.png");
        first.vectors().put(new NewEmbedding(p.fileA(), "client-notes", new float[] {1, 2, 3}, false));
        other.vectors().put(new NewEmbedding(p.fileA(), "built-in-stats", new float[] {4, 5}, true));
        drainFeed();

        DeletionJob job = engine.deletions().request(p.tenant(), p.fileA(), false);
        assertThat(job.ownershipOnly()).isTrue();
        List<GraphChange> changes = drainFeed();
        assertThat(changes).singleElement().isInstanceOfSatisfying(GraphChange.NodeRemoved.class,
                n -> assertThat(n.nodeId()).isEqualTo(firstNode.nodeId()));
        assertThat(other.graph().node(NodeKind.FILE, p.fileA(), null).nodeId()).as("the other owner's node stays")
                .isEqualTo(otherNode.nodeId());
        assertThat(other.vectors().embeddings(p.fileA())).extracting(AtomEmbedding::embeddingType)
                .containsExactly("built-in-stats");

        // Owning it again (the same bytes ingested once more) does not bring back what it wrote before.
        assertThat(first.ingest().startJob(new NewJob(Modality.IMAGE, "a.png", hashA, 1000, "{}", null))
                .deduplicated()).isTrue();
        assertThat(first.vectors().embeddings(p.fileA())).extracting(AtomEmbedding::embeddingType)
                .containsExactly("built-in-stats");
        assertThat(first.graph().node(NodeKind.FILE, p.fileA(), "a.png").nodeId())
                .as("a new node, never the removed id").isNotEqualTo(firstNode.nodeId());
    }

    @Test
    void anInterruptedDeletionCompletesWhenResumedWithExactCounts() {
        Pair p = overlappingPair();
        List<PlacedValue> before = values(engine.forTenant(p.tenant()), p.fileB());
        DeletionJob job = engine.deletions().request(p.tenant(), p.fileA(), false);
        job = engine.deletions().runBatch(job.jobId(), 5);
        job = engine.deletions().runBatch(job.jobId(), 5);
        assertThat(job.state()).isEqualTo(DeletionState.RUNNING);
        assertThat(job.rowsDone()).isEqualTo(10);
        assertThat(engine.forTenant(p.tenant()).atoms().byHash(p.shared().getFirst().contentHash())).isPresent();

        // Another process picks the job up from the table.
        DeletionJob resumed = engine.deletions().unfinished().stream().filter(j -> j.fileAtomId() == p.fileA()).findFirst().orElseThrow();
        DeletionJob done = engine.deletions().runToEnd(resumed.jobId(), 1000);
        assertThat(done.rowsDone()).isEqualTo(p.rowsA());
        assertThat(done.leavesPurged()).isEqualTo(p.onlyA().size());
        assertThat(engine.deletions().runBatch(done.jobId(), 5)).as("a finished job stays finished").isEqualTo(done);
        assertOnlyBRemains(p, before);
    }

    @Test
    void aFileBeingIngestedCannotBeDeletedYet() {
        String tenant = newTenant();
        TenantStorage t = engine.forTenant(tenant);
        NewJob job = newJob(Modality.IMAGE, "busy.png");
        long parent = t.ingest().startJob(job).parent().atomId();
        assertThatThrownBy(() -> engine.deletions().request(tenant, parent, false))
                .isInstanceOf(ConflictException.class);
        assertThat(engine.deletions().unfinished()).extracting(DeletionJob::fileAtomId).doesNotContain(parent);
    }

    @Test
    void theSameBytesIngestedDuringTheDeletionBecomeAFreshFile() {
        Pair p = overlappingPair();
        TenantStorage t = engine.forTenant(p.tenant());
        ContentHash hashA = t.atoms().byId(p.fileA()).orElseThrow().contentHash();
        DeletionJob job = engine.deletions().request(p.tenant(), p.fileA(), false);
        engine.deletions().runBatch(job.jobId(), 3);

        var again = t.ingest().startJob(new NewJob(Modality.IMAGE, "a.png", hashA, 1000, "{}", null));
        assertThat(again.deduplicated()).as("not an owner of rows that are going away").isFalse();
        assertThat(again.parent().atomId()).isNotEqualTo(p.fileA());
        t.ingest().writeChunk(again.job().jobId(), imageChunk(0, p.onlyA(), 0, 0, 1, 2, 3));
        t.ingest().completeJob(again.job().jobId(), null);

        engine.deletions().runToEnd(job.jobId(), 1000);
        assertThat(t.atoms().byHash(hashA)).map(Atom::atomId).contains(again.parent().atomId());
        assertThat(count(t, p.onlyA().getFirst())).isEqualTo(1);
        assertThat(count(t, p.onlyA().get(5))).as("not in the new file").isEqualTo(-1);
    }

    @Test
    void aStartOfTheSameFileRacingTheRequestEitherKeepsTheFileOrStartsAfresh() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String tenant = newTenant();
                String second = newTenant();
                NewJob job = newJob(Modality.IMAGE, "raced.png");
                ingest(engine.forTenant(tenant), job, randomPixels(5), 1, 20);
                long file = engine.forTenant(tenant).atoms().byHash(job.fileHash()).orElseThrow().atomId();
                CountDownLatch go = new CountDownLatch(1);
                Future<DeletionJob> deleting = pool.submit(() -> {
                    go.await();
                    return engine.deletions().request(tenant, file, false);
                });
                Future<JobStart> starting = pool.submit(() -> {
                    go.await();
                    return engine.forTenant(second).ingest().startJob(job);
                });
                go.countDown();
                DeletionJob deletion = deleting.get();
                JobStart start = starting.get();
                // Never both: a second owner of rows that are being deleted.
                assertThat(start.parent().atomId() == file).as("round %d: the second tenant got the same file", round)
                        .isEqualTo(deletion.ownershipOnly());
                assertThat(start.deduplicated()).isEqualTo(deletion.ownershipOnly());
            }
        } finally {
            // Never interrupted: an interrupt inside an H2 file read closes the database's file channel.
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void graphRemovalsReachTheProvenanceFeed() {
        Pair p = overlappingPair();
        TenantStorage t = engine.forTenant(p.tenant());
        GraphNode nodeA = t.graph().node(NodeKind.FILE, p.fileA(), "a.png");
        GraphNode nodeB = t.graph().node(NodeKind.FILE, p.fileB(), "b.png");
        GraphEdge edge = t.graph().edge(nodeB.nodeId(), nodeA.nodeId(), "derived-from");
        drainFeed();

        engine.deletions().runToEnd(engine.deletions().request(p.tenant(), p.fileA(), false).jobId(), 1000);
        assertThat(t.graph().lineage(NodeKind.FILE, p.fileB(), 5, LineageDirection.UPSTREAM)).isEmpty();
        List<GraphChange> changes = drainFeed();
        assertThat(changes).anySatisfy(c -> assertThat(c).isInstanceOfSatisfying(GraphChange.EdgeRemoved.class,
                e -> assertThat(e.edgeId()).isEqualTo(edge.edgeId())));
        assertThat(changes).anySatisfy(c -> assertThat(c).isInstanceOfSatisfying(GraphChange.NodeRemoved.class,
                n -> assertThat(n.nodeId()).isEqualTo(nodeA.nodeId())));
        assertThat(changes).noneSatisfy(c -> assertThat(c).isInstanceOfSatisfying(GraphChange.NodeRemoved.class,
                n -> assertThat(n.nodeId()).isEqualTo(nodeB.nodeId())));
    }

    private List<GraphChange> drainFeed() {
        List<GraphChange> all = new ArrayList<>();
        while (engine.provenanceFeed().receive(500, Duration.ofMillis(200), all::addAll) > 0) {
            // keep receiving until a wait comes back empty
        }
        return all;
    }

    /** A model file whose one layer holds {@code weights} in a row (x = 0, 1, ...), ingested as one chunk. */
    private record LoadedModel(long jobId, long fileAtomId, Model model) {
    }

    private static LoadedModel loadModel(TenantStorage t, List<NewAtom> weights) {
        NewJob newJob = newJob(Modality.MODEL, "m.gguf");
        long job = t.ingest().startJob(newJob).job().jobId();
        int n = weights.size();
        Model model = t.ingest().registerModel(job, new NewModel("tiny", "gguf", "{}", List.of(
                new ModelLayer(0, 0, "w", List.of((long) n), "F32", "f32", n))));
        long[] x = new long[n];
        int[] ordinals = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            ordinals[i] = i;
        }
        t.ingest().writeChunk(job, new Chunk(0, weights, null, new CoefficientBatch(n, new int[n], x, new long[n],
                new long[n], ordinals), 0));
        t.ingest().completeJob(job, null);
        return new LoadedModel(job, t.atoms().byHash(newJob.fileHash()).orElseThrow().atomId(), model);
    }

    private static List<NewAtom> randomWeights(int n, float offset) {
        List<NewAtom> weights = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            weights.add(weight(offset + (float) Math.random() + i));
        }
        return weights;
    }

    @Test
    void erasingAModelPurgesItsWeightHistoryAndTheLeavesOnlyItKept() {
        String tenant = newTenant();
        TenantStorage t = engine.forTenant(tenant);
        List<NewAtom> weights = randomWeights(6, 0);
        LoadedModel m = loadModel(t, weights);
        NewAtom tuned = weight(1000f + (float) Math.random());
        assertThat(t.models().updateWeights(m.model().modelId(), 0, List.of(new WeightUpdate(0, 0, 0, tuned))))
                .isEqualTo(1);

        DeletionJob started = engine.deletions().request(tenant, m.fileAtomId(), true);
        // 6 coefficients, their 6 history rows once deleted, and the one row the update left in history.
        assertThat(started.rowsTotal()).isEqualTo(6 + 6 + 1);
        DeletionJob done = engine.deletions().runToEnd(started.jobId(), 4);
        assertThat(done.rowsDone()).isEqualTo(started.rowsTotal());
        assertThat(done.leavesPurged()).isEqualTo(7);
        assertThat(t.models().byId(m.model().modelId())).isEmpty();
        for (NewAtom w : weights) {
            assertThat(t.atoms().byHash(w.contentHash())).isEmpty();
        }
        assertThat(t.atoms().byHash(tuned.contentHash())).isEmpty();
        assertThat(t.ingest().job(m.jobId())).as("erased with the file").isEmpty();
    }

    @Test
    void withoutEraseTheWeightHistoryStaysAndKeepsItsLeaves() {
        String tenant = newTenant();
        TenantStorage t = engine.forTenant(tenant);
        List<NewAtom> weights = randomWeights(2, 2000f);
        LoadedModel m = loadModel(t, weights);

        DeletionJob done = engine.deletions().runToEnd(
                engine.deletions().request(tenant, m.fileAtomId(), false).jobId(), 1);
        assertThat(done.rowsDone()).isEqualTo(2);
        assertThat(done.leavesPurged()).as("the history still points at them").isZero();
        for (NewAtom w : weights) {
            assertThat(count(t, w)).as("kept, unreferenced, until the history retention").isZero();
        }
        assertThat(t.models().byId(m.model().modelId())).isEmpty();
        assertThat(t.ingest().job(m.jobId())).as("the job row stays without erase").isPresent();
    }

    /**
     * The other file is deleted between two chunks of an ingest that uses its leaves: the leaves the ingest's first
     * chunk used stay (a running job may hold them by its dictionary alone, adding their references when it
     * completes), and every count is exact once it completes.
     */
    @Test
    void aDeletionBetweenTwoChunksOfAnOverlappingIngestKeepsWhatTheIngestUses() {
        String tenant = newTenant();
        TenantStorage t = engine.forTenant(tenant);
        List<NewAtom> all = randomPixels(40);
        NewJob jobA = newJob(Modality.IMAGE, "a.png");
        ingest(t, jobA, all.subList(0, 30), 2, 60);
        long fileA = t.atoms().byHash(jobA.fileHash()).orElseThrow().atomId();

        // B: A's first 20 leaves and 10 of its own; its first chunk uses each of them once.
        List<NewAtom> atomsB = concat(all.subList(0, 20), all.subList(30, 40));
        NewJob jobB = newJob(Modality.IMAGE, "b.png");
        long jobId = t.ingest().startJob(jobB).job().jobId();
        int[] first = new int[atomsB.size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
        }
        t.ingest().writeChunk(jobId, imageChunk(0, atomsB, 0, first));

        DeletionJob deletion = engine.deletions().request(tenant, fileA, false);
        assertThat(engine.deletions().runToEnd(deletion.jobId(), 50).state()).isEqualTo(DeletionState.COMPLETED);

        int[] second = new int[45];
        for (int i = 0; i < second.length; i++) {
            second[i] = ThreadLocalRandom.current().nextInt(atomsB.size());
        }
        t.ingest().writeChunk(jobId, imageChunk(1, atomsB, first.length, second));
        t.ingest().completeJob(jobId, null);

        Map<ContentHash, Long> refs = new HashMap<>();
        List<byte[]> expected = new ArrayList<>();
        for (int[] ordinals : List.of(first, second)) {
            for (int o : ordinals) {
                refs.merge(atomsB.get(o).contentHash(), 1L, Long::sum);
                expected.add(atomsB.get(o).value());
            }
        }
        for (NewAtom a : atomsB) {
            assertThat(count(t, a)).as("a leaf B uses counts exactly B's positions")
                    .isEqualTo(refs.get(a.contentHash()));
        }
        for (NewAtom a : all.subList(20, 30)) {
            assertThat(t.atoms().byHash(a.contentHash())).as("a leaf only A used is purged").isEmpty();
        }
        long fileB = t.atoms().byHash(jobB.fileHash()).orElseThrow().atomId();
        List<PlacedValue> placed = values(t, fileB);
        assertThat(placed).hasSize(expected.size());
        for (int i = 0; i < placed.size(); i++) {
            assertThat(placed.get(i).value()).as("value at %d", i).isEqualTo(expected.get(i));
        }
    }

    @Test
    void deletingUnderAConcurrentIngestOfAnOverlappingFileLosesNothing() throws Exception {
        String tenant = newTenant();
        TenantStorage t = engine.forTenant(tenant);
        List<NewAtom> all = randomPixels(200);
        List<NewAtom> shared = all.subList(0, 120);
        NewJob jobA = newJob(Modality.IMAGE, "a.png");
        ingest(t, jobA, all.subList(0, 160), 8, 300);
        long fileA = t.atoms().byHash(jobA.fileHash()).orElseThrow().atomId();

        NewJob jobB = newJob(Modality.IMAGE, "b.png");
        List<NewAtom> atomsB = concat(shared, all.subList(160, 200));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            DeletionJob deletion = engine.deletions().request(tenant, fileA, false);
            Future<Ingested> ingesting = pool.submit(() -> ingest(engine.forTenant(tenant), jobB,
                    atomsB, 12, 250));
            Future<DeletionJob> deleting = pool.submit(() -> engine.deletions().runToEnd(deletion.jobId(), 97));
            Ingested b = ingesting.get();
            Map<ContentHash, Long> refsB = b.refs();
            assertThat(deleting.get().state()).isEqualTo(DeletionState.COMPLETED);

            long fileB = t.atoms().byHash(jobB.fileHash()).orElseThrow().atomId();
            assertThat(t.atoms().compositionCount(fileB)).isEqualTo(12 * 250);
            for (NewAtom a : all) {
                Long expected = refsB.get(a.contentHash());
                assertThat(count(t, a)).as("reference count of a leaf").isEqualTo(expected == null ? -1 : expected);
            }
            List<PlacedValue> placed = values(t, fileB);
            assertThat(placed).hasSize(12 * 250);
            for (int i = 0; i < placed.size(); i++) {
                assertThat(placed.get(i).sequenceIndex()).isEqualTo(i);
                assertThat(placed.get(i).value()).as("value at %d", i).isEqualTo(b.values().get(i));
            }
        } finally {
            // Never interrupted: an interrupt inside an H2 file read closes the database's file channel.
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }
}
