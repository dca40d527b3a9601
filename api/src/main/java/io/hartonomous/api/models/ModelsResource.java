package io.hartonomous.api.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.models.RollbackReport;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.models.Snapshot;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.contract.models.WeightUpdate;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Models, their tensors (as .npy, optionally as of a past time), weight rollback and snapshots. */
@Path("/api/models")
@Tag(name = "models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    static final String NPY = "application/x-npy";

    @Inject
    MeteredCaller caller;
    @Inject
    ObjectMapper json;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelView(long modelId, long parentAtomId, String name, String format, int tensorCount,
                            long parameterCount, Instant createdAt, JsonNode metadata) {
        static ModelView of(Model m, JsonNode metadata) {
            return new ModelView(m.modelId(), m.parentAtomId(), m.name(), m.format(), m.tensorCount(),
                    m.parameterCount(), m.createdAt(), metadata);
        }
    }

    public record TensorView(int layerIdx, String name, List<Long> shape, String dtype, String storedAs,
                             long elementCount) {
        static TensorView of(ModelLayer l) {
            return new TensorView(l.layerIdx(), l.name(), l.shape(), l.dtype(), l.storedAs(), l.elementCount());
        }
    }

    /** Exactly one of {@code to} (ISO-8601) or {@code snapshot} (a snapshot's name); {@code dryRun} reports only. */
    public record RollbackBody(String to, String snapshot, Boolean dryRun) {
    }

    public record SnapshotBody(String name) {
    }

    /** One weight to set: its index in the tensor's shape (C order) and the new value. */
    public record WeightBody(long[] index, Double value) {
    }

    /** {@code updates}: 1-10000 weights of one tensor, applied in one transaction. */
    public record WeightsBody(List<WeightBody> updates) {
    }

    public record WeightsResult(long modelId, String tensor, int requested, int changed, Instant appliedAt) {
    }

    static final int MAX_WEIGHT_UPDATES = 10_000;

    @GET
    @RequiresScope(Scope.QUERY)
    @Metered("models.list")
    @Operation(summary = "Models the caller's tenant ingested")
    public List<ModelView> list() {
        List<ModelView> models = caller.reads().models().list().stream().map(m -> ModelView.of(m, null)).toList();
        caller.units(models.size());
        return models;
    }

    @GET
    @Path("/{id}")
    @RequiresScope(Scope.QUERY)
    @Metered("models.get")
    @Operation(summary = "One model, with the metadata its file declared")
    public ModelView get(@PathParam("id") String id) {
        Model model = model(caller.reads().models(), Params.id("model id", id));
        caller.units(1);
        return ModelView.of(model, metadata(model.metadataJson()));
    }

    @GET
    @Path("/{id}/tensors")
    @RequiresScope(Scope.QUERY)
    @Metered("models.tensors")
    @Operation(summary = "The model's tensor table")
    public List<TensorView> tensors(@PathParam("id") String id) {
        List<TensorView> tensors = caller.reads().models().layers(Params.id("model id", id)).stream()
                .map(TensorView::of).toList();
        caller.units(tensors.size());
        return tensors;
    }

    @GET
    @Path("/{id}/tensors/{name: .+}")
    @Produces({NPY, "application/problem+json"})
    @RequiresScope(Scope.QUERY)
    @Metered("models.tensor")
    @Operation(summary = "A tensor's values as a NumPy .npy file (float32 for f32/f16/bf16), now or ?asOf=ISO-8601")
    public Response tensor(@PathParam("id") String id, @PathParam("name") String name,
                           @QueryParam("asOf") String asOfText) {
        long modelId = Params.id("model id", id);
        Instant asOf = Params.instant("asOf", asOfText);
        ModelStore models = caller.reads().models();
        Model model = model(models, modelId);
        if (asOf != null && asOf.isBefore(model.createdAt())) {
            throw new NotFoundException("model " + modelId + " did not exist yet at " + asOf + " (created "
                    + model.createdAt() + ")");
        }
        ModelLayer layer = models.layers(modelId).stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new NotFoundException("model " + modelId + " has no tensor named '" + name + "'"));
        NpyStream.DType dtype = NpyStream.DType.of(layer);
        long length = NpyStream.header(layer, dtype).length + NpyStream.elements(layer) * dtype.size();
        MeteredCaller.UsageHandle usage = caller.deferUsage();
        StreamingOutput body = out -> {
            long written = 0;
            try (Stream<TensorCell> cells = models.tensor(modelId, layer.layerIdx(), asOf)) {
                OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
                written = NpyStream.write(buffered, layer, dtype, cells.iterator());
            } finally {
                usage.record(written);
            }
        };
        String file = layer.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".npy";
        return Response.ok(body, NPY).header(HttpHeaders.CONTENT_LENGTH, length)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"").build();
    }

    @PATCH
    @Path("/{id}/tensors/{name: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.INGEST)
    @Metered("models.weights.update")
    @Operation(summary = "Set weights of a tensor (the old values stay in history for asOf and rollback)")
    public WeightsResult updateWeights(@PathParam("id") String id, @PathParam("name") String name, WeightsBody body) {
        long modelId = Params.id("model id", id);
        if (body == null || body.updates() == null || body.updates().isEmpty()) {
            throw new IllegalArgumentException("a JSON body {updates: [{index: [...], value: n}, ...]} is required");
        }
        if (body.updates().size() > MAX_WEIGHT_UPDATES) {
            throw new IllegalArgumentException("at most " + MAX_WEIGHT_UPDATES + " updates per request, got "
                    + body.updates().size());
        }
        ModelStore models = caller.writes().models();
        model(models, modelId);
        ModelLayer layer = models.layers(modelId).stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new NotFoundException("model " + modelId + " has no tensor named '" + name + "'"));
        List<WeightUpdate> updates = new java.util.ArrayList<>(body.updates().size());
        for (WeightBody w : body.updates()) {
            if (w == null || w.value() == null) {
                throw new IllegalArgumentException("every update needs an index and a value");
            }
            long[] xyz = WeightValues.position(layer.shape(), w.index());
            updates.add(new WeightUpdate(xyz[0], xyz[1], xyz[2], WeightValues.atom(layer, w.value())));
        }
        Instant at = Instant.now();
        int changed = models.updateWeights(modelId, layer.layerIdx(), updates);
        caller.units(changed);
        return new WeightsResult(modelId, layer.name(), updates.size(), changed, at);
    }

    @POST
    @Path("/{id}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.INGEST)
    @Metered("models.rollback")
    @Operation(summary = "Roll the weights back to a time or a snapshot (dryRun: only count what would change)")
    public RollbackReport rollback(@PathParam("id") String id, RollbackBody body) {
        long modelId = Params.id("model id", id);
        if (body == null || (body.to() == null) == (body.snapshot() == null)) {
            throw new IllegalArgumentException("give exactly one of 'to' (ISO-8601) or 'snapshot' (a snapshot name)");
        }
        ModelStore models = caller.writes().models();
        Instant to;
        if (body.snapshot() != null) {
            to = models.snapshots(modelId).stream().filter(s -> s.name().equals(body.snapshot())).findFirst()
                    .map(Snapshot::takenAt).orElseThrow(() -> new NotFoundException("model " + modelId
                            + " has no snapshot named '" + body.snapshot() + "'"));
        } else {
            to = Params.instant("to", body.to());
        }
        RollbackReport report = models.rollback(modelId, to, Boolean.TRUE.equals(body.dryRun()));
        caller.units(report.coefficientsChanged());
        return report;
    }

    @POST
    @Path("/{id}/snapshots")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.INGEST)
    @Metered("models.snapshot.create")
    @Operation(summary = "Name the current point in the model's weight history")
    public Response snapshot(@PathParam("id") String id, SnapshotBody body) {
        long modelId = Params.id("model id", id);
        if (body == null || body.name() == null || body.name().isBlank()) {
            throw new IllegalArgumentException("a JSON body {name} is required (1-128 characters)");
        }
        Snapshot snapshot = caller.writes().models().createSnapshot(modelId, body.name().strip());
        caller.units(1);
        return Response.created(URI.create("/api/models/" + modelId + "/snapshots")).entity(snapshot).build();
    }

    @GET
    @Path("/{id}/snapshots")
    @RequiresScope(Scope.QUERY)
    @Metered("models.snapshot.list")
    @Operation(summary = "The model's snapshots, oldest first")
    public List<Snapshot> snapshots(@PathParam("id") String id) {
        List<Snapshot> list = caller.reads().models().snapshots(Params.id("model id", id));
        caller.units(list.size());
        return list;
    }

    private static Model model(ModelStore models, long modelId) {
        return models.byId(modelId).orElseThrow(() -> new NotFoundException("model " + modelId + " not found"));
    }

    private JsonNode metadata(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            return json.getNodeFactory().textNode(text);
        }
    }
}
