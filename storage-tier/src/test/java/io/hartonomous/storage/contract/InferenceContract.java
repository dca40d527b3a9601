package io.hartonomous.storage.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.graph.LineageStep;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceReceipt;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStatus;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import io.hartonomous.storage.contract.inference.ReceiptTensor;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.models.WeightUpdate;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Inference records and receipts: begin / succeed / fail, reads and lists of the tenant's own runs only, receipts
 * read back as written, the INFERENCE node and its edges in the graph and on the feed, weight versions, and the
 * records going with their model's file.
 */
public abstract class InferenceContract extends StorageContractSuite {
    /** A model file of one 2×3 f32 tensor, and an image file ingested beside it by the same tenant. */
    private record Loaded(TenantStorage tenant, Model model, long modelFile, long imageFile, List<NewAtom> pixels) {
    }

    private Loaded load(String tenantId) {
        TenantStorage t = engine.forTenant(tenantId);
        NewJob modelJob = newJob(Modality.MODEL, "tiny.onnx");
        long job = t.ingest().startJob(modelJob).job().jobId();
        Model model = t.ingest().registerModel(job, new NewModel("tiny", "onnx", "{}", List.of(
                new ModelLayer(0, 0, "w", List.of(2L, 3L), "FLOAT", "f32", 6))));
        List<NewAtom> weights = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            weights.add(weight((float) Math.random() + i));
        }
        t.ingest().writeChunk(job, new Chunk(0, weights, null, new CoefficientBatch(6, new int[6],
                new long[] {0, 1, 2, 0, 1, 2}, new long[] {0, 0, 0, 1, 1, 1}, new long[6], new int[] {0, 1, 2, 3, 4, 5}),
                0));
        t.ingest().completeJob(job, null);
        NewJob imageJob = newJob(Modality.IMAGE, "input.png");
        long image = t.ingest().startJob(imageJob).job().jobId();
        List<NewAtom> pixels = randomPixels(4);
        t.ingest().writeChunk(image, imageChunk(0, pixels, 0, 0, 1, 2, 3));
        t.ingest().completeJob(image, null);
        return new Loaded(t, model, t.atoms().byHash(modelJob.fileHash()).orElseThrow().atomId(),
                t.atoms().byHash(imageJob.fileHash()).orElseThrow().atomId(), pixels);
    }

    private Loaded load() {
        return load(newTenant());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static InferenceReceipt receipt(Loaded m, List<Long> inputs) {
        Instant version = m.tenant().models().weightVersion(m.model().modelId(), null);
        return new InferenceReceipt(m.modelFile(), version.toString(), inputs, sha256("inputs " + inputs),
                List.of(new ReceiptTensor(0, "w", 6, sha256("w")), new ReceiptTensor(0, "w \"quoted\" ünï", 0,
                        sha256("empty"))));
    }

    private static NewInference run(Loaded m, List<Long> inputs) {
        return new NewInference(m.model().modelId(), "onnx.run", Instant.now().truncatedTo(ChronoUnit.MILLIS), 24,
                receipt(m, inputs));
    }

    @Test
    void aRunIsRecordedWithItsReceiptAndEndsOnce() {
        Loaded m = load();
        NewInference run = run(m, List.of(m.imageFile()));
        InferenceRecord begun = m.tenant().inference().begin(run);
        assertThat(begun.status()).isEqualTo(InferenceStatus.RUNNING);
        assertThat(begun.modelId()).isEqualTo(m.model().modelId());
        assertThat(begun.operation()).isEqualTo("onnx.run");
        assertThat(begun.asOf()).isEqualTo(run.asOf());
        assertThat(begun.units()).isEqualTo(24);
        assertThat(begun.createdAt()).isNotNull();
        assertThat(begun.durationMs()).isNull();
        assertThat(begun.outputSummaryJson()).isNull();
        assertThat(begun.receipt()).as("the receipt comes back as written").isEqualTo(run.receipt());
        assertThat(m.tenant().inference().byId(begun.inferenceId())).contains(begun);

        String summary = "{\"outputs\":[{\"name\":\"y\",\"dtype\":\"float32\",\"shape\":[1,2]}]}";
        InferenceRecord done = m.tenant().inference().succeed(begun.inferenceId(), 17, summary,
                List.of(m.tenant().atoms().byHash(m.pixels().getFirst().contentHash()).orElseThrow().atomId()));
        assertThat(done.status()).isEqualTo(InferenceStatus.SUCCEEDED);
        assertThat(done.durationMs()).isEqualTo(17L);
        assertThat(done.outputSummaryJson()).isEqualTo(summary);
        assertThat(done.error()).isNull();
        assertThat(done.receipt()).isEqualTo(run.receipt());
        assertThat(done.createdAt()).isEqualTo(begun.createdAt());
        assertThat(m.tenant().inference().byId(begun.inferenceId())).contains(done);

        assertThatThrownBy(() -> m.tenant().inference().succeed(begun.inferenceId(), 1, "{}", List.of()))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> m.tenant().inference().fail(begun.inferenceId(), 1, "late"))
                .isInstanceOf(ConflictException.class);
        assertThat(m.tenant().inference().byId(begun.inferenceId())).as("unchanged by the refused ends").contains(done);
    }

    @Test
    void aFailedRunKeepsItsErrorAndAnInlineRunHasNoInputAtoms() {
        Loaded m = load();
        NewInference run = new NewInference(m.model().modelId(), "onnx.run", Instant.now(), 0,
                new InferenceReceipt(m.modelFile(), "v1", List.of(), null, List.of()));
        InferenceRecord begun = m.tenant().inference().begin(run);
        assertThat(begun.receipt()).isEqualTo(run.receipt());
        InferenceRecord failed = m.tenant().inference().fail(begun.inferenceId(), 3, "x".repeat(5000));
        assertThat(failed.status()).isEqualTo(InferenceStatus.FAILED);
        assertThat(failed.durationMs()).isEqualTo(3L);
        assertThat(failed.error()).hasSize(4000);
        assertThat(failed.outputSummaryJson()).isNull();
        assertThatThrownBy(() -> m.tenant().inference().succeed(begun.inferenceId(), 1, "{}", List.of()))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> m.tenant().inference().fail(begun.inferenceId(), -1, "negative"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsAreTheTenantsNewestFirstFilteredByModelAndSinceWithinTheirLimit() throws Exception {
        String tenant = newTenant();
        Loaded a = load(tenant);
        Loaded b = load(tenant);
        InferenceRecord first = a.tenant().inference().begin(run(a, List.of()));
        Thread.sleep(5);
        InferenceRecord second = b.tenant().inference().begin(run(b, List.of()));
        Thread.sleep(5);
        InferenceRecord third = a.tenant().inference().begin(run(a, List.of(a.imageFile())));
        var store = a.tenant().inference();

        assertThat(store.list(null, null, 10)).extracting(InferenceRecord::inferenceId)
                .containsExactly(third.inferenceId(), second.inferenceId(), first.inferenceId());
        assertThat(store.list(a.model().modelId(), null, 10)).extracting(InferenceRecord::inferenceId)
                .containsExactly(third.inferenceId(), first.inferenceId());
        assertThat(store.list(null, second.createdAt(), 10)).as("since is inclusive")
                .extracting(InferenceRecord::inferenceId).containsExactly(third.inferenceId(), second.inferenceId());
        assertThat(store.list(a.model().modelId(), second.createdAt(), 10)).extracting(InferenceRecord::inferenceId)
                .containsExactly(third.inferenceId());
        assertThat(store.list(null, null, 1)).extracting(InferenceRecord::inferenceId)
                .containsExactly(third.inferenceId());
        assertThat(store.list(null, null, 10).getFirst()).isEqualTo(third);
        assertThat(store.list(Long.MAX_VALUE, null, 10)).isEmpty();
        for (int bad : new int[] {0, -1, 1001}) {
            assertThatThrownBy(() -> store.list(null, null, bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void unknownModelsRunsAndAtomsAreNotFound() {
        Loaded m = load();
        NewInference onNothing = new NewInference(Long.MAX_VALUE, "onnx.run", Instant.now(), 1,
                receipt(m, List.of()));
        assertThatThrownBy(() -> m.tenant().inference().begin(onNothing)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> m.tenant().inference().begin(run(m, List.of(Long.MAX_VALUE))))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> m.tenant().inference().succeed(Long.MAX_VALUE, 1, "{}", List.of()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> m.tenant().inference().fail(Long.MAX_VALUE, 1, "x"))
                .isInstanceOf(NotFoundException.class);
        assertThat(m.tenant().inference().byId(Long.MAX_VALUE)).isEmpty();
        NewInference wrongFile = new NewInference(m.model().modelId(), "onnx.run", Instant.now(), 1,
                new InferenceReceipt(m.imageFile(), "v", List.of(), null, List.of()));
        assertThatThrownBy(() -> m.tenant().inference().begin(wrongFile))
                .as("the receipt names the model's own file").isInstanceOf(IllegalArgumentException.class);
        assertThat(m.tenant().inference().list(null, null, 10)).as("nothing half-written").isEmpty();
    }

    @Test
    void aModelStillBeingIngestedCannotRunYet() {
        TenantStorage t = engine.forTenant(newTenant());
        NewJob newJob = newJob(Modality.MODEL, "half.onnx");
        long job = t.ingest().startJob(newJob).job().jobId();
        Model model = t.ingest().registerModel(job, new NewModel("half", "onnx", "{}", List.of()));
        long file = t.atoms().byHash(newJob.fileHash()).orElseThrow().atomId();
        assertThatThrownBy(() -> t.inference().begin(new NewInference(model.modelId(), "onnx.run", Instant.now(), 1,
                new InferenceReceipt(file, "v", List.of(), null, List.of())))).isInstanceOf(ConflictException.class);
    }

    @Test
    void anotherTenantNeitherSeesTheRecordsNorRunsTheModel() {
        Loaded a = load();
        InferenceRecord record = a.tenant().inference().begin(run(a, List.of(a.imageFile())));
        Loaded b = load();
        var other = b.tenant().inference();
        assertThat(other.byId(record.inferenceId())).isEmpty();
        assertThat(other.list(null, null, 1000)).isEmpty();
        assertThat(other.list(a.model().modelId(), null, 1000)).isEmpty();
        assertThatThrownBy(() -> other.succeed(record.inferenceId(), 1, "{}", List.of()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.fail(record.inferenceId(), 1, "x")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.begin(new NewInference(a.model().modelId(), "onnx.run", Instant.now(), 1,
                new InferenceReceipt(a.modelFile(), "v", List.of(), null, List.of()))))
                .as("A's model").isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.begin(run(b, List.of(a.imageFile()))))
                .as("A's file as an input").isInstanceOf(NotFoundException.class);
        assertThat(a.tenant().inference().byId(record.inferenceId())).contains(record);
    }

    @Test
    void theGraphHasTheRunWithItsModelInputsAndOutputsAndTheFeedDeliversThem() {
        Loaded m = load();
        drainFeed();
        long pixel = m.tenant().atoms().byHash(m.pixels().get(1).contentHash()).orElseThrow().atomId();
        InferenceRecord begun = m.tenant().inference().begin(run(m, List.of(m.imageFile(), m.imageFile())));
        m.tenant().inference().succeed(begun.inferenceId(), 5, "{}", List.of(pixel));

        List<LineageStep> steps = m.tenant().graph().lineage(NodeKind.INFERENCE, begun.inferenceId(), 1,
                LineageDirection.DOWNSTREAM);
        Map<String, List<LineageStep>> byRelation = steps.stream()
                .collect(Collectors.groupingBy(s -> s.via().relation()));
        assertThat(byRelation.keySet()).containsExactlyInAnyOrder("ran", "read", "produced");
        assertThat(byRelation.get("ran")).singleElement().satisfies(s -> {
            assertThat(s.node().kind()).isEqualTo(NodeKind.MODEL);
            assertThat(s.node().refId()).isEqualTo(m.model().modelId());
        });
        assertThat(byRelation.get("read")).as("one edge however often the atom is read").singleElement()
                .satisfies(s -> {
                    assertThat(s.node().kind()).isEqualTo(NodeKind.FILE);
                    assertThat(s.node().refId()).isEqualTo(m.imageFile());
                });
        assertThat(byRelation.get("produced")).singleElement().satisfies(s -> {
            assertThat(s.node().kind()).isEqualTo(NodeKind.ATOM);
            assertThat(s.node().refId()).isEqualTo(pixel);
        });
        long runNode = byRelation.get("ran").getFirst().via().fromNodeId();
        assertThat(m.tenant().graph().lineage(NodeKind.ATOM, pixel, 1, LineageDirection.UPSTREAM))
                .extracting(s -> s.node().kind()).containsExactly(NodeKind.INFERENCE);

        List<GraphChange> changes = drainFeed().stream().filter(c -> c.tenantId().equals(m.tenant().tenantId()))
                .toList();
        assertThat(changes).anySatisfy(c -> assertThat(c).isInstanceOfSatisfying(GraphChange.NodeUpserted.class,
                n -> {
                    assertThat(n.kind()).isEqualTo(NodeKind.INFERENCE);
                    assertThat(n.refId()).isEqualTo(begun.inferenceId());
                    assertThat(n.nodeId()).isEqualTo(runNode);
                    assertThat(n.label()).isEqualTo("onnx.run #" + begun.inferenceId());
                    // What the cold tier needs to name the model and weights without asking the storage tier.
                    JsonNode props = json(n.propertiesJson());
                    assertThat(props.get("modelAtomId").asLong()).isEqualTo(m.model().parentAtomId());
                    assertThat(props.get("weightVersion").asText()).isEqualTo(begun.receipt().weightVersion());
                    assertThat(props.has("parentInferenceId")).isFalse();
                }));
        assertThat(changes.stream().filter(GraphChange.EdgeCreated.class::isInstance)
                .map(c -> (GraphChange.EdgeCreated) c).filter(e -> e.fromNodeId() == runNode)
                .map(GraphChange.EdgeCreated::relation)).containsExactlyInAnyOrder("ran", "read", "produced");
    }

    private static JsonNode json(String text) {
        assertThat(text).as("the node carries properties").isNotNull();
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asLong()));
        return values;
    }

    private List<GraphChange> drainFeed() {
        List<GraphChange> all = new ArrayList<>();
        while (engine.provenanceFeed().receive(500, Duration.ofMillis(200), all::addAll) > 0) {
            // keep receiving until a wait comes back empty
        }
        return all;
    }

    @Test
    void theWeightVersionMovesWithUpdatesAndRollbacksAndReadsAsOf() throws Exception {
        Loaded m = load();
        long id = m.model().modelId();
        var models = m.tenant().models();
        assertThat(models.weightVersion(id, null)).as("no change yet").isEqualTo(m.model().createdAt());
        Thread.sleep(5);
        Instant beforeUpdate = Instant.now();
        Thread.sleep(5);
        assertThat(models.updateWeights(id, 0, List.of(new WeightUpdate(1, 0, 0, weight(99f))))).isEqualTo(1);
        Instant updated = models.weightVersion(id, null);
        assertThat(updated).isAfter(beforeUpdate);
        assertThat(models.weightVersion(id, beforeUpdate)).isEqualTo(m.model().createdAt());
        assertThat(models.weightVersion(id, updated)).as("at the change itself").isEqualTo(updated);
        assertThat(models.updateWeights(id, 0, List.of(new WeightUpdate(1, 0, 0, weight(99f)))))
                .as("the same value again changes nothing").isZero();
        assertThat(models.weightVersion(id, null)).isEqualTo(updated);
        Thread.sleep(5);
        Instant beforeRollback = Instant.now();
        Thread.sleep(5);
        assertThat(models.rollback(id, beforeUpdate, true).coefficientsChanged()).isEqualTo(1);
        assertThat(models.weightVersion(id, null)).as("a dry run changes nothing").isEqualTo(updated);
        assertThat(models.rollback(id, beforeUpdate, false).coefficientsChanged()).isEqualTo(1);
        Instant rolledBack = models.weightVersion(id, null);
        assertThat(rolledBack).isAfter(beforeRollback);
        assertThat(models.weightVersion(id, beforeRollback)).isEqualTo(updated);
        assertThat(models.weightVersion(id, beforeUpdate)).isEqualTo(m.model().createdAt());

        assertThatThrownBy(() -> models.weightVersion(Long.MAX_VALUE, null)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.forTenant(newTenant()).models().weightVersion(id, null))
                .as("another tenant's model").isInstanceOf(NotFoundException.class);
    }

    @Test
    void deletingTheModelsFileTakesItsRunsAndTheirProvenance() {
        Loaded m = load();
        InferenceRecord run = m.tenant().inference().begin(run(m, List.of(m.imageFile())));
        m.tenant().inference().succeed(run.inferenceId(), 1, "{}", List.of());
        InferenceRecord onImageOnly = m.tenant().inference().begin(run(m, List.of()));
        drainFeed();

        engine.deletions().runToEnd(engine.deletions().request(m.tenant().tenantId(), m.modelFile(), true).jobId(), 3);
        assertThat(m.tenant().models().byId(m.model().modelId())).isEmpty();
        assertThat(m.tenant().inference().byId(run.inferenceId())).isEmpty();
        assertThat(m.tenant().inference().byId(onImageOnly.inferenceId())).isEmpty();
        assertThat(m.tenant().inference().list(null, null, 1000)).isEmpty();
        assertThatThrownBy(() -> m.tenant().graph().lineage(NodeKind.INFERENCE, run.inferenceId(), 1,
                LineageDirection.BOTH)).isInstanceOf(NotFoundException.class);
        assertThat(drainFeed()).anySatisfy(c -> assertThat(c).isInstanceOf(GraphChange.NodeRemoved.class));
        assertThat(m.tenant().atoms().byId(m.imageFile())).as("the input file stays").isPresent();
    }

    // Reasoning runs (issue 13): records without a model or receipt, with their evidence and children.

    private long pixelAtom(Loaded m, int i) {
        return m.tenant().atoms().byHash(m.pixels().get(i).contentHash()).orElseThrow().atomId();
    }

    @Test
    void aReasoningRunIsRecordedWithItsEvidenceAndEndsOnce() {
        Loaded m = load();
        long p0 = pixelAtom(m, 0);
        long p1 = pixelAtom(m, 1);
        long p2 = pixelAtom(m, 2);
        List<Evidence> evidence = List.of(Evidence.atom(0, "candidate", p0, 0.75, true),
                Evidence.atom(0, "candidate", p1, 0.25, false),
                new Evidence(1, "candidate", p1, 42L, -1.5e-3, true),
                new Evidence(1, "concept", null, 42L, 0.5, false),
                Evidence.atom(1, "candidate", p2, 0.0, false));
        NewReasoningRun run = new NewReasoningRun("reasoning.generate", null, 7, List.of(m.imageFile()), evidence);
        InferenceRecord begun = m.tenant().inference().beginReasoning(run);
        assertThat(begun.reasoning()).isTrue();
        assertThat(begun.modelId()).isNull();
        assertThat(begun.receipt()).isNull();
        assertThat(begun.parentInferenceId()).isNull();
        assertThat(begun.operation()).isEqualTo("reasoning.generate");
        assertThat(begun.status()).isEqualTo(InferenceStatus.RUNNING);
        assertThat(begun.units()).isEqualTo(7);
        assertThat(begun.asOf()).isNotNull();
        assertThat(m.tenant().inference().evidence(begun.inferenceId())).as("as written, in order")
                .isEqualTo(evidence);
        assertThat(m.tenant().inference().byId(begun.inferenceId())).contains(begun);
        assertThat(m.tenant().inference().list(null, null, 10)).containsExactly(begun);

        InferenceRecord done = m.tenant().inference().succeed(begun.inferenceId(), 9, "{\"tokens\":2}", List.of());
        assertThat(done.status()).isEqualTo(InferenceStatus.SUCCEEDED);
        assertThat(done.outputSummaryJson()).isEqualTo("{\"tokens\":2}");
        assertThat(done.modelId()).isNull();
        assertThatThrownBy(() -> m.tenant().inference().fail(begun.inferenceId(), 1, "late"))
                .isInstanceOf(ConflictException.class);
        assertThat(m.tenant().inference().evidence(begun.inferenceId())).isEqualTo(evidence);

        List<LineageStep> steps = m.tenant().graph().lineage(NodeKind.INFERENCE, begun.inferenceId(), 1,
                LineageDirection.DOWNSTREAM);
        assertThat(steps).extracting(s -> s.node().refId()).as("inputs and evidence atoms, no model")
                .containsExactlyInAnyOrder(m.imageFile(), p0, p1, p2);
        Map<Long, Long> refOfNode = steps.stream().collect(Collectors.toMap(s -> s.node().nodeId(),
                s -> s.node().refId()));
        long runNode = steps.getFirst().via().fromNodeId();
        List<GraphChange> changes = drainFeed();
        // The run's node carries its evidence to the cold tier: parallel arrays in evidence order, -1 for no id.
        GraphChange.NodeUpserted node = changes.stream().filter(GraphChange.NodeUpserted.class::isInstance)
                .map(GraphChange.NodeUpserted.class::cast).filter(n -> n.nodeId() == runNode).findFirst()
                .orElseThrow();
        JsonNode props = json(node.propertiesJson());
        assertThat(longs(props.get("evidenceStep"))).containsExactly(0L, 0L, 1L, 1L, 1L);
        assertThat(props.get("evidenceRole").toString())
                .isEqualTo("[\"candidate\",\"candidate\",\"candidate\",\"concept\",\"candidate\"]");
        assertThat(longs(props.get("evidenceAtom"))).containsExactly(p0, p1, p1, -1L, p2);
        assertThat(longs(props.get("evidenceConcept"))).containsExactly(-1L, -1L, 42L, 42L, -1L);
        List<Double> scores = new ArrayList<>();
        props.get("evidenceScore").forEach(v -> scores.add(v.asDouble()));
        assertThat(scores).as("exactly, as written").containsExactly(0.75, 0.25, -1.5e-3, 0.5, 0.0);
        assertThat(props.get("evidenceChosen").toString()).isEqualTo("[true,false,true,false,false]");
        assertThat(props.has("parentInferenceId")).isFalse();
        Map<String, List<Long>> byRelation = changes.stream().filter(GraphChange.EdgeCreated.class::isInstance)
                .map(c -> (GraphChange.EdgeCreated) c).filter(e -> e.fromNodeId() == runNode)
                .collect(Collectors.groupingBy(GraphChange.EdgeCreated::relation,
                        Collectors.mapping(e -> refOfNode.get(e.toNodeId()), Collectors.toList())));
        assertThat(byRelation.keySet()).containsExactlyInAnyOrder("read", "chose");
        assertThat(byRelation.get("read")).as("once each").containsExactlyInAnyOrder(m.imageFile(), p0, p1, p2);
        assertThat(byRelation.get("chose")).as("chosen at some step").containsExactlyInAnyOrder(p0, p1);
    }

    @Test
    void childrenBelongToAReasoningParentOfTheSameTenant() throws Exception {
        Loaded m = load();
        long p0 = pixelAtom(m, 0);
        InferenceRecord parent = m.tenant().inference().beginReasoning(new NewReasoningRun("reasoning.chain", null, 0,
                List.of(), List.of()));
        assertThat(m.tenant().inference().evidence(parent.inferenceId())).isEmpty();
        assertThat(m.tenant().inference().children(parent.inferenceId())).isEmpty();
        InferenceRecord first = m.tenant().inference().beginReasoning(new NewReasoningRun("reasoning.chain",
                parent.inferenceId(), 1, List.of(), List.of(Evidence.atom(0, "outcome", p0, 1, true))));
        Thread.sleep(2);
        InferenceRecord second = m.tenant().inference().beginReasoning(new NewReasoningRun("reasoning.chain",
                parent.inferenceId(), 1, List.of(), List.of(Evidence.atom(0, "outcome", p0, 0.5, false))));
        assertThat(first.parentInferenceId()).isEqualTo(parent.inferenceId());
        assertThat(m.tenant().inference().children(parent.inferenceId())).containsExactly(first, second);
        assertThat(m.tenant().inference().children(first.inferenceId())).isEmpty();

        InferenceRecord modelRun = m.tenant().inference().begin(run(m, List.of()));
        assertThat(modelRun.parentInferenceId()).isNull();
        assertThat(m.tenant().inference().evidence(modelRun.inferenceId())).as("a model run has none").isEmpty();
        assertThatThrownBy(() -> m.tenant().inference().beginReasoning(new NewReasoningRun("reasoning.chain",
                modelRun.inferenceId(), 1, List.of(), List.of()))).as("a model run is no parent")
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> m.tenant().inference().beginReasoning(new NewReasoningRun("reasoning.chain",
                Long.MAX_VALUE, 1, List.of(), List.of()))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> m.tenant().inference().beginReasoning(new NewReasoningRun("reasoning.path", null, 1,
                List.of(), List.of(Evidence.atom(0, "node", Long.MAX_VALUE, 1, true)))))
                .as("an atom nobody sees").isInstanceOf(NotFoundException.class);
        assertThat(m.tenant().inference().list(null, null, 10)).as("nothing half-written").hasSize(4);

        // A model run can be a step of a reasoning run (a chain's model step), never of another model run.
        NewInference plain = run(m, List.of());
        InferenceRecord step = m.tenant().inference().begin(new NewInference(plain.modelId(), plain.operation(),
                plain.asOf(), plain.units(), plain.receipt(), parent.inferenceId()));
        assertThat(step.parentInferenceId()).isEqualTo(parent.inferenceId());
        assertThat(step.receipt()).isNotNull();
        assertThat(m.tenant().inference().children(parent.inferenceId())).containsExactly(first, second, step);
        assertThatThrownBy(() -> m.tenant().inference().begin(new NewInference(plain.modelId(), plain.operation(),
                plain.asOf(), plain.units(), plain.receipt(), modelRun.inferenceId())))
                .as("a model run is no parent").isInstanceOf(NotFoundException.class);
        assertThat(m.tenant().inference().list(null, null, 10)).as("nothing half-written").hasSize(5);
        GraphChange.NodeUpserted stepNode = drainFeed().stream().filter(GraphChange.NodeUpserted.class::isInstance)
                .map(GraphChange.NodeUpserted.class::cast)
                .filter(n -> n.kind() == NodeKind.INFERENCE && n.refId() == step.inferenceId()).findFirst()
                .orElseThrow();
        assertThat(json(stepNode.propertiesJson()).get("parentInferenceId").asLong()).isEqualTo(parent.inferenceId());
        assertThatThrownBy(() -> new Evidence(0, "x", null, null, 1, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Evidence(-1, "x", 1L, null, 1, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Evidence(0, "x", 1L, null, Double.NaN, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Evidence(0, "r".repeat(33), 1L, null, 1, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherTenantSeesNoneOfAReasoningRun() {
        Loaded a = load();
        long p0 = pixelAtom(a, 0);
        InferenceRecord parent = a.tenant().inference().beginReasoning(new NewReasoningRun("concepts.discover", null, 3,
                List.of(), List.of(Evidence.atom(0, "member", p0, 0.9, true))));
        InferenceRecord child = a.tenant().inference().beginReasoning(new NewReasoningRun("concepts.discover",
                parent.inferenceId(), 3, List.of(), List.of()));
        Loaded b = load();
        var other = b.tenant().inference();
        assertThat(other.byId(parent.inferenceId())).isEmpty();
        assertThat(other.evidence(parent.inferenceId())).isEmpty();
        assertThat(other.children(parent.inferenceId())).isEmpty();
        assertThat(other.list(null, null, 1000)).isEmpty();
        assertThatThrownBy(() -> other.beginReasoning(new NewReasoningRun("concepts.discover", parent.inferenceId(), 1,
                List.of(), List.of()))).as("A's run as a parent").isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.beginReasoning(new NewReasoningRun("concepts.discover", null, 1, List.of(),
                List.of(Evidence.atom(0, "member", a.imageFile(), 1, true))))).as("A's file as evidence")
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.succeed(parent.inferenceId(), 1, "{}", List.of()))
                .isInstanceOf(NotFoundException.class);
        assertThat(a.tenant().inference().children(parent.inferenceId())).containsExactly(child);
    }
}
