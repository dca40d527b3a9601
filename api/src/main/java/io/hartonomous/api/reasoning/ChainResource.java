package io.hartonomous.api.reasoning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.api.inference.InferenceViews;
import io.hartonomous.api.inference.ModelRuns;
import io.hartonomous.api.inference.UnprocessableException;
import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.reasoning.AtomConcept;
import io.hartonomous.storage.contract.reasoning.GenerationRequest;
import io.hartonomous.storage.contract.reasoning.GenerationResult;
import io.hartonomous.storage.contract.reasoning.PathRequest;
import io.hartonomous.storage.contract.reasoning.PathResult;
import io.hartonomous.storage.contract.vectors.AtomEmbedding;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reasoning chains: an ordered list of steps ({@code search}, {@code generate}, {@code path}, {@code concept},
 * {@code model}), each run and recorded as its own inference record, a child of the chain's record
 * ({@code reasoning.chain}). A step may take the previous step's outcome (its last atom) where an atom id goes,
 * written {@code "$prev"}; only search, generate and path steps have atoms as their outcome (a concept step's are the
 * concepts it found, a model step's the index of the largest value of its first output), so "$prev" after the others
 * is refused. A {@code concept} step looks up the concepts an atom is bound to ({@code "by": "binding"}, the default)
 * or the concept whose domain holds the atom's projected point ({@code "by": "domain"}), as {@link
 * io.hartonomous.storage.contract.reasoning.ConceptStore} offers; a {@code model} step runs a stored model as POST
 * /api/models/{id}/run does ({@link ModelRuns}: same inputs, same record with its receipt), its record a child of the
 * chain's. Self-consistency: with N seeds the
 * chain runs N times (each generate step seeded with the sample's seed + its position), each sample a child record
 * of the chain with the steps as its children; the answer reports every outcome and the majority with its share.
 */
@Path("/api/reasoning/chains")
@Tag(name = "reasoning")
@RequiresScope(Scope.QUERY)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ChainResource {
    static final String PREVIOUS = "$prev";
    static final int MAX_STEPS = 16;
    static final int MAX_SEEDS = 32;
    static final int DEFAULT_SEARCH_K = 10;

    @Inject
    MeteredCaller caller;
    @Inject
    ObjectMapper json;
    @Inject
    ModelRuns models;

    /** {@code steps}: 1-16 step objects with a {@code kind}; {@code seeds}: 1-32 seeds, default [0]. */
    public record ChainBody(List<JsonNode> steps, List<Long> seeds) {
    }

    /** {@code outcomeKind}: what the outcome's ids are, {@code atoms}, {@code concepts} or {@code index}. */
    public record StepOutcome(int position, String kind, long inferenceId, List<Long> outcome, String outcomeKind) {
        static StepOutcome atoms(int position, String kind, long inferenceId, List<Long> atoms) {
            return new StepOutcome(position, kind, inferenceId, atoms, "atoms");
        }
    }

    public record Sample(long seed, long inferenceId, List<Long> outcome, List<StepOutcome> steps) {
    }

    public record Majority(List<Long> outcome, int count, double share) {
    }

    public record ChainAnswer(long inferenceId, List<Long> seeds, List<Sample> samples, Majority majority) {
    }

    /** A stored record of a chain, a sample or a step, with its outputs and (for chains and samples) children. */
    public record ChainNode(long inferenceId, String operation, String status, Long parentInferenceId,
                            JsonNode outputs, List<ChainNode> children) {
    }

    @POST
    @Metered("reasoning.chain")
    @Operation(summary = "Run a declared chain of reasoning steps, once per seed (self-consistency), and record it")
    public ChainAnswer run(ChainBody body) {
        if (body == null || body.steps() == null || body.steps().isEmpty() || body.steps().size() > MAX_STEPS) {
            throw new IllegalArgumentException("a chain needs 1 to " + MAX_STEPS + " steps");
        }
        if (body.seeds() != null && (body.seeds().size() > MAX_SEEDS
                || body.seeds().stream().anyMatch(java.util.Objects::isNull))) {
            throw new IllegalArgumentException("a chain takes 1 to " + MAX_SEEDS + " seeds (numbers)");
        }
        List<Long> seeds = body.seeds() == null || body.seeds().isEmpty() ? List.of(0L) : List.copyOf(body.seeds());
        List<JsonNode> steps = body.steps();
        // Every step parsed once before anything runs (with a stand-in for "$prev"), so a bad one is a 400 and
        // nothing is recorded.
        for (int i = 0; i < steps.size(); i++) {
            validate(i, steps.get(i), i == 0 ? null : steps.get(i - 1));
        }
        TenantStorage reads = caller.reads();
        InferenceStore records = caller.writes().inference();
        long[] modelUnits = {0};
        long started = System.nanoTime();
        InferenceRecord chain = ReasoningRuns.beginChain(records, null, (long) seeds.size() * steps.size());
        List<Sample> samples = new ArrayList<>();
        try {
            for (long seed : seeds) {
                InferenceRecord sample = seeds.size() == 1 ? chain
                        : ReasoningRuns.beginChain(records, chain.inferenceId(), steps.size());
                long sampleStarted = System.nanoTime();
                List<StepOutcome> outcomes = new ArrayList<>();
                try {
                    List<Long> outcome = List.of();
                    for (int i = 0; i < steps.size(); i++) {
                        StepOutcome step = runStep(reads, records, sample.inferenceId(), i, steps.get(i), seed,
                                outcome, u -> modelUnits[0] += u);
                        outcomes.add(step);
                        outcome = step.outcome();
                    }
                    if (sample != chain) {
                        Map<String, Object> summary = new LinkedHashMap<>();
                        summary.put("seed", seed);
                        summary.put("outcome", outcome);
                        summary.put("steps", outcomes);
                        ReasoningRuns.succeed(records, json, sample.inferenceId(), millisSince(sampleStarted),
                                summary);
                    }
                    samples.add(new Sample(seed, sample.inferenceId(), outcome, outcomes));
                } catch (RuntimeException e) {
                    if (sample != chain) {
                        records.fail(sample.inferenceId(), millisSince(sampleStarted), String.valueOf(e.getMessage()));
                    }
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            records.fail(chain.inferenceId(), millisSince(started), String.valueOf(e.getMessage()));
            throw e;
        }
        Majority majority = majority(samples);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("seeds", seeds);
        summary.put("outcomes", samples.stream().map(Sample::outcome).toList());
        summary.put("majority", majority);
        if (seeds.size() == 1) {
            summary.put("steps", samples.getFirst().steps());
        }
        ReasoningRuns.succeed(records, json, chain.inferenceId(), millisSince(started), summary);
        // A model step is metered as its own run would be (its input elements), the other steps one unit each.
        caller.units((long) seeds.size() * steps.size() + modelUnits[0]);
        return new ChainAnswer(chain.inferenceId(), seeds, samples, majority);
    }

    @GET
    @Path("/{id}")
    @Metered("reasoning.chain.get")
    @Operation(summary = "A recorded chain: its outcomes and majority, its samples and their steps")
    public ChainNode get(@PathParam("id") String id) {
        long inferenceId = Params.id("chain id", id);
        InferenceStore records = caller.reads().inference();
        InferenceRecord record = records.byId(inferenceId)
                .filter(r -> ReasoningRuns.CHAIN.equals(r.operation()))
                .orElseThrow(() -> new NotFoundException("chain " + inferenceId + " not found"));
        caller.units(1);
        return node(records, record);
    }

    private ChainNode node(InferenceStore records, InferenceRecord r) {
        List<ChainNode> children = ReasoningRuns.CHAIN.equals(r.operation())
                ? records.children(r.inferenceId()).stream().map(c -> node(records, c)).toList() : null;
        return new ChainNode(r.inferenceId(), r.operation(), r.status().name(), r.parentInferenceId(), outputs(r),
                children);
    }

    private JsonNode outputs(InferenceRecord r) {
        if (r.outputSummaryJson() == null) {
            return null;
        }
        try {
            return json.readTree(r.outputSummaryJson()).get("outputs");
        } catch (IOException e) {
            return json.getNodeFactory().textNode(r.outputSummaryJson());
        }
    }

    /** The outcome most samples reached (ties: the one reached first), its count and share. */
    static Majority majority(List<Sample> samples) {
        Map<List<Long>, Integer> counts = new LinkedHashMap<>();
        for (Sample s : samples) {
            counts.merge(s.outcome(), 1, Integer::sum);
        }
        Map.Entry<List<Long>, Integer> best = counts.entrySet().stream()
                .max(Comparator.comparingInt(Map.Entry::getValue)).orElseThrow();
        for (Map.Entry<List<Long>, Integer> e : counts.entrySet()) {
            if (e.getValue().equals(best.getValue())) {
                best = e;
                break;
            }
        }
        return new Majority(best.getKey(), best.getValue(), best.getValue() / (double) samples.size());
    }

    private static final String KINDS = "search, generate, path, concept or model";

    private static String kind(int position, JsonNode step) {
        if (step == null || !step.isObject() || !step.path("kind").isTextual()) {
            throw new IllegalArgumentException("steps[" + position + "] needs a kind (" + KINDS + ")");
        }
        String kind = step.get("kind").asText().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "search", "generate", "path", "concept", "model" -> kind;
            default -> throw new IllegalArgumentException("steps[" + position + "]: unknown kind '" + kind
                    + "' (expected " + KINDS + ")");
        };
    }

    /** Whether a step of this kind has atoms as its outcome (what "$prev" in the next step names). */
    private static boolean yieldsAtoms(String kind) {
        return !"concept".equals(kind) && !"model".equals(kind);
    }

    private void validate(int position, JsonNode step, JsonNode previous) {
        String kind = kind(position, step);
        if (step.has("seed")) {
            throw new IllegalArgumentException("steps[" + position + "]: a chain's steps take their seed from the "
                    + "chain's seeds");
        }
        if (previous != null && usesPrevious(step) && !yieldsAtoms(kind(position - 1, previous))) {
            throw new IllegalArgumentException("steps[" + position + "]: \"$prev\" names the previous step's outcome "
                    + "atom, and a " + kind(position - 1, previous) + " step's outcome is no atom");
        }
        JsonNode resolved = resolve(position, step, List.of(1L));
        switch (kind) {
            case "search" -> searchRequest(position, resolved, new float[] {0});
            case "generate" -> GenerateResource.toRequest(as(resolved, ReasoningViews.GenerateBody.class));
            case "concept" -> conceptLookup(position, resolved);
            case "model" -> modelRun(position, resolved);
            default -> ReasoningResource.toRequest(as(resolved, ReasoningViews.PathBody.class));
        }
    }

    private static boolean usesPrevious(JsonNode node) {
        if (node.isTextual()) {
            return PREVIOUS.equals(node.asText());
        }
        if (node instanceof ObjectNode object) {
            for (JsonNode value : object) {
                if (usesPrevious(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A concept step: {@code atom}, {@code by} (binding or domain) and {@code embeddingType} (required by domain). */
    private record ConceptLookup(long atom, boolean byDomain, String embeddingType) {
    }

    private static ConceptLookup conceptLookup(int position, JsonNode step) {
        if (!step.path("atom").isIntegralNumber() || step.get("atom").asLong() < 1) {
            throw new IllegalArgumentException("steps[" + position + "]: a concept step takes an atom (an id or "
                    + "\"$prev\")");
        }
        String by = step.path("by").isTextual() ? step.get("by").asText().toLowerCase(Locale.ROOT)
                : step.has("by") ? "?" : "binding";
        if (!by.equals("binding") && !by.equals("domain")) {
            throw new IllegalArgumentException("steps[" + position + "]: a concept step's 'by' is binding or domain");
        }
        boolean typed = step.path("embeddingType").isTextual();
        if (by.equals("domain") && !typed) {
            throw new IllegalArgumentException("steps[" + position + "]: a concept step by domain needs the "
                    + "embeddingType whose projection it looks in");
        }
        return new ConceptLookup(step.get("atom").asLong(), by.equals("domain"),
                typed ? ReasoningParams.embeddingType(step.get("embeddingType").asText()) : null);
    }

    /** A model step: {@code model} (an id) and the run's body ({@code inputs}, {@code asOf}, {@code generate}). */
    private record ModelStep(long modelId, InferenceViews.RunBody body) {
    }

    private ModelStep modelRun(int position, JsonNode step) {
        if (!step.path("model").isIntegralNumber() || step.get("model").asLong() < 1) {
            throw new IllegalArgumentException("steps[" + position + "]: a model step names its model (a positive "
                    + "id)");
        }
        if (!step.path("inputs").isObject()) {
            throw new IllegalArgumentException("steps[" + position + "]: a model step takes its inputs as POST "
                    + "/api/models/{id}/run does: {inputs: {<name>: {dtype, shape, data} | {atom, ...}}}");
        }
        ObjectNode fields = (ObjectNode) step.deepCopy();
        fields.remove("model");
        return new ModelStep(step.get("model").asLong(), as(fields, InferenceViews.RunBody.class));
    }

    private StepOutcome runStep(TenantStorage reads, InferenceStore records, long parent, int position,
                                JsonNode spec, long seed, List<Long> previous,
                                java.util.function.LongConsumer units) {
        String kind = kind(position, spec);
        JsonNode step = resolve(position, spec, previous);
        long started = System.nanoTime();
        return switch (kind) {
            case "search" -> {
                Long atom = step.path("atom").isIntegralNumber() ? step.get("atom").asLong() : null;
                String type = ReasoningParams.embeddingType(step.path("embeddingType").isTextual()
                        ? step.get("embeddingType").asText() : null);
                float[] vector = atom == null ? ReasoningParams.vector(step.path("vector"))
                        : vectorOf(reads, atom, type);
                SearchRequest request = searchRequest(position, step, vector);
                List<SearchHit> hits = new ArrayList<>();
                for (SearchHit h : reads.vectors().search(request).hits()) {
                    if ((atom == null || h.atomId() != atom) && hits.stream().noneMatch(x -> x.atomId() == h.atomId())
                            && hits.size() < request.k() - (atom == null ? 0 : 1)) {
                        hits.add(h);
                    }
                }
                Map<String, Object> parameters = new LinkedHashMap<>();
                parameters.put("embeddingType", type);
                parameters.put("k", request.k() - (atom == null ? 0 : 1));
                parameters.put("metric", request.metric().name().toLowerCase(Locale.ROOT));
                InferenceRecord r = ReasoningRuns.search(records, json, parent, atom, hits, millisSince(started),
                        parameters);
                yield StepOutcome.atoms(position, kind, r.inferenceId(),
                        hits.isEmpty() ? List.of() : List.of(hits.getFirst().atomId()));
            }
            case "generate" -> {
                ObjectNode seeded = ((ObjectNode) step.deepCopy()).put("seed", seed + position);
                GenerationRequest request = GenerateResource.toRequest(as(seeded, ReasoningViews.GenerateBody.class));
                GenerationResult result = reads.reasoning().generate(request);
                InferenceRecord r = ReasoningRuns.generation(records, json, parent, request.contextAtom(), result,
                        millisSince(started), GenerateResource.parameters(request));
                yield StepOutcome.atoms(position, kind, r.inferenceId(), result.atoms());
            }
            case "concept" -> {
                ConceptLookup lookup = conceptLookup(position, step);
                if (reads.atoms().byId(lookup.atom()).isEmpty()) {
                    throw new NotFoundException("atom " + lookup.atom() + " not found");
                }
                List<Long> concepts = new ArrayList<>();
                List<Double> scores = new ArrayList<>();
                Map<String, Object> parameters = new LinkedHashMap<>();
                parameters.put("atom", lookup.atom());
                parameters.put("by", lookup.byDomain() ? "domain" : "binding");
                parameters.put("embeddingType", lookup.embeddingType());
                if (lookup.byDomain()) {
                    AtomEmbedding e = embeddingOf(reads, lookup.atom(), lookup.embeddingType());
                    parameters.put("x", e.projectionX());
                    parameters.put("y", e.projectionY());
                    reads.concepts().at(lookup.embeddingType(), e.projectionX(), e.projectionY(), null)
                            .ifPresent(c -> {
                                concepts.add(c.conceptId());
                                scores.add(Math.hypot(c.x() - e.projectionX(), c.y() - e.projectionY()));
                            });
                } else {
                    reads.concepts().conceptsOf(lookup.atom(), null).stream()
                            .filter(c -> lookup.embeddingType() == null
                                    || c.embeddingType().equals(lookup.embeddingType()))
                            .sorted(Comparator.comparingDouble(AtomConcept::similarity).reversed()
                                    .thenComparingLong(AtomConcept::conceptId))
                            .forEach(c -> {
                                concepts.add(c.conceptId());
                                scores.add(c.similarity());
                            });
                }
                InferenceRecord r = ReasoningRuns.concept(records, json, parent, lookup.atom(),
                        lookup.byDomain() ? "domain" : "bound", concepts, scores, millisSince(started), parameters);
                yield new StepOutcome(position, kind, r.inferenceId(), concepts, "concepts");
            }
            case "model" -> {
                ModelStep run = modelRun(position, step);
                ModelRuns.Ran ran = models.run(reads, records, run.modelId(), run.body(), parent, units);
                Long index = argmax(ran.outputs());
                yield new StepOutcome(position, kind, ran.record().inferenceId(),
                        index == null ? List.of() : List.of(index), "index");
            }
            default -> {
                PathRequest request = ReasoningResource.toRequest(as(step, ReasoningViews.PathBody.class));
                PathResult result = reads.reasoning().path(request);
                InferenceRecord r = ReasoningRuns.path(records, json, parent, request.fromAtom(), request.toAtom(),
                        result, millisSince(started), ReasoningResource.parameters(request));
                yield StepOutcome.atoms(position, kind, r.inferenceId(), result.path());
            }
        };
    }

    /** The atom's vector of the type: the tenant's own embedding before the built-in one. */
    private static float[] vectorOf(TenantStorage reads, long atom, String type) {
        return embeddingOf(reads, atom, type).vector();
    }

    private static AtomEmbedding embeddingOf(TenantStorage reads, long atom, String type) {
        return reads.vectors().embeddings(atom).stream().filter(e -> e.embeddingType().equals(type))
                .min(Comparator.comparing((AtomEmbedding e) -> e.tenantId() == null))
                .orElseThrow(() -> new NotFoundException("atom " + atom + " not found or without an embedding of "
                        + "type '" + type + "'"));
    }

    /**
     * The index (row-major) of the largest value of the run's first output, ties to the lowest; null when that
     * output has no numbers (a string tensor or an empty one).
     */
    private Long argmax(Map<String, InferenceViews.TensorView> outputs) {
        if (outputs.isEmpty()) {
            return null;
        }
        JsonNode data = json.valueToTree(outputs.values().iterator().next().data());
        List<Double> values = new ArrayList<>();
        flatten(data, values);
        Long best = null;
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) != null && (best == null || values.get(i) > values.get(Math.toIntExact(best)))) {
                best = (long) i;
            }
        }
        return best;
    }

    private static void flatten(JsonNode node, List<Double> values) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(n -> flatten(n, values));
        } else {
            values.add(node.isNumber() || node.isBoolean() ? Double.valueOf(node.isBoolean()
                    ? (node.asBoolean() ? 1 : 0) : node.asDouble()) : null);
        }
    }

    private static SearchRequest searchRequest(int position, JsonNode step, float[] vector) {
        boolean fromAtom = step.path("atom").isIntegralNumber();
        if (fromAtom == step.has("vector")) {
            throw new IllegalArgumentException("steps[" + position + "]: a search takes either a vector or an atom");
        }
        int k = step.has("k") ? step.get("k").asInt() : DEFAULT_SEARCH_K;
        if (k < 1 || k > SearchRequest.MAX_K - 1) {
            throw new IllegalArgumentException("steps[" + position + "]: k must be between 1 and "
                    + (SearchRequest.MAX_K - 1) + ", got " + k);
        }
        String type = ReasoningParams.embeddingType(step.path("embeddingType").isTextual()
                ? step.get("embeddingType").asText() : null);
        Metric metric = ReasoningParams.metric(step.path("metric").isTextual() ? step.get("metric").asText() : null,
                Metric.COSINE);
        // From an atom, one more: the atom itself is its own nearest and is left out.
        return new SearchRequest(vector, fromAtom ? k + 1 : k, metric, SearchMode.HYBRID, type, null, null, null,
                null, 0);
    }

    /** The step with every "$prev" replaced by the previous step's last outcome atom. */
    private static JsonNode resolve(int position, JsonNode step, List<Long> previous) {
        JsonNode copy = step.deepCopy();
        replace(position, copy, previous);
        return copy;
    }

    private static void replace(int position, JsonNode node, List<Long> previous) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode value = object.get(name);
            if (value.isTextual() && PREVIOUS.equals(value.asText())) {
                if (position == 0) {
                    throw new IllegalArgumentException("steps[0]: the first step has no previous step for \"$prev\"");
                }
                if (previous.isEmpty()) {
                    throw new UnprocessableException("steps[" + position + "]: the previous step has no outcome "
                            + "atom for \"$prev\"");
                }
                object.put(name, previous.getLast());
            } else {
                replace(position, value, previous);
            }
        }
    }

    private <T> T as(JsonNode node, Class<T> type) {
        ObjectNode fields = (ObjectNode) node.deepCopy();
        fields.remove("kind");
        try {
            return json.treeToValue(fields, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a step does not have the fields of its kind: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
