package io.hartonomous.api.admin.ooda;

import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Operator;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.ooda.OodaLoop;
import io.hartonomous.storage.contract.ooda.OodaProposal;
import io.hartonomous.storage.contract.ooda.OodaSettings;
import io.hartonomous.storage.contract.ooda.OodaStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.function.LongFunction;

/**
 * The storage's OODA loop (Analyze, Hypothesize, Act, Learn) for operators: its cycles with observations and
 * proposals, approving and rejecting proposals, one cycle now, the emergency stop, and its settings. The loop tunes
 * the whole storage, not one tenant's data, so only admin keys of the bootstrap tenant may drive it. Unknown
 * proposals are 404; deciding one that is no longer waiting, or running a cycle while stopped, is 409.
 */
@Path("/api/admin/ooda")
@Tag(name = "admin")
@RequiresScope(Scope.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class OodaResource {
    private static final int DEFAULT_CYCLES = 20;
    private static final int MAX_CYCLES = 1000;

    @Inject
    MeteredCaller caller;
    @Inject
    @Writes
    StorageEngine storage;
    @Inject
    Operator operator;

    /** Settings to change; a field left out keeps its value. */
    public record SettingsBody(Boolean dryRun, Boolean requireApproval, Integer maxChangesPerCycle,
                               Long historyRetentionSeconds) {
    }

    @GET
    @Metered("admin.ooda.status")
    @Operation(summary = "Whether the OODA loop runs, its settings, and its latest cycles (observations, proposals)")
    public OodaViews.LoopView status(@QueryParam("limit") String limitText) {
        OodaLoop loop = loop();
        int limit = (int) Params.bounded("limit", limitText, DEFAULT_CYCLES, 1, MAX_CYCLES);
        OodaViews.LoopView view = OodaViews.LoopView.of(loop.status(), loop.cycles(limit));
        caller.units(view.cycles().size());
        return view;
    }

    @POST
    @Path("/cycle")
    @Metered("admin.ooda.cycle")
    @Operation(summary = "Run one OODA cycle now (409 while the loop is stopped)")
    public OodaViews.CycleView cycle() {
        OodaViews.CycleView cycle = OodaViews.CycleView.of(loop().runCycle());
        caller.units(1);
        return cycle;
    }

    @POST
    @Path("/proposals/{id}/approve")
    @Metered("admin.ooda.approve")
    @Operation(summary = "Approve a proposal; outside dry run it is applied and measured at once")
    public OodaViews.ProposalView approve(@PathParam("id") String idText) {
        return decide(idText, id -> loop().approve(id, decider()));
    }

    @POST
    @Path("/proposals/{id}/reject")
    @Metered("admin.ooda.reject")
    @Operation(summary = "Reject a proposal that is proposed or approved but not yet applied")
    public OodaViews.ProposalView reject(@PathParam("id") String idText) {
        return decide(idText, id -> loop().reject(id, decider()));
    }

    /** What approve and reject share: the id checked first, then the decision, one unit. */
    private OodaViews.ProposalView decide(String idText, LongFunction<OodaProposal> decision) {
        OodaViews.ProposalView p = OodaViews.ProposalView.of(decision.apply(Params.id("proposal id", idText)));
        caller.units(1);
        return p;
    }

    @POST
    @Path("/stop")
    @Metered("admin.ooda.stop")
    @Operation(summary = "Emergency stop: no cycle runs until start (kept across restarts)")
    public OodaViews.StatusView stop() {
        OodaLoop loop = loop();
        loop.stop();
        caller.units(1);
        return OodaViews.StatusView.of(loop.status());
    }

    @POST
    @Path("/start")
    @Metered("admin.ooda.start")
    @Operation(summary = "Lift the emergency stop")
    public OodaViews.StatusView start() {
        OodaLoop loop = loop();
        loop.start();
        caller.units(1);
        return OodaViews.StatusView.of(loop.status());
    }

    @PUT
    @Path("/settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Metered("admin.ooda.settings")
    @Operation(summary = "Change dryRun, requireApproval, maxChangesPerCycle or historyRetentionSeconds")
    public OodaViews.StatusView settings(SettingsBody body) {
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {dryRun?, requireApproval?, maxChangesPerCycle?, "
                    + "historyRetentionSeconds?} is required");
        }
        OodaLoop loop = loop();
        OodaSettings now = loop.status().settings();
        if (body.historyRetentionSeconds() != null && body.historyRetentionSeconds() < 1) {
            throw new IllegalArgumentException("historyRetentionSeconds must be at least 1, got "
                    + body.historyRetentionSeconds());
        }
        OodaSettings next = new OodaSettings(
                body.dryRun() == null ? now.dryRun() : body.dryRun(),
                body.requireApproval() == null ? now.requireApproval() : body.requireApproval(),
                body.maxChangesPerCycle() == null ? now.maxChangesPerCycle() : body.maxChangesPerCycle(),
                body.historyRetentionSeconds() == null ? now.historyRetention()
                        : Duration.ofSeconds(body.historyRetentionSeconds()));
        OodaStatus status = loop.configure(next);
        caller.units(1);
        return OodaViews.StatusView.of(status);
    }

    private OodaLoop loop() {
        operator.require("the OODA loop tunes the whole storage");
        return storage.ooda();
    }

    private String decider() {
        return caller.tenant() + "/key " + caller.key().keyId();
    }
}
