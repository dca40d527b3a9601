package io.hartonomous.api.admin.billing;

import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Operator;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.billing.Multiplier;
import io.hartonomous.storage.contract.billing.MultiplierKind;
import io.hartonomous.storage.contract.billing.OperationRate;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.math.BigDecimal;
import java.util.List;

/**
 * Rate plans, their rates and multipliers, and which tenant is on which. Prices are the operator's: only admin keys of
 * the bootstrap tenant may read or change them (a tenant's own admin may not set its own prices). Every PUT is an
 * upsert and every DELETE a removal, each answering with the plan as it now is; a changed price applies to uses
 * recorded from then on.
 */
@Path("/api/admin/billing")
@Tag(name = "admin")
@RequiresScope(Scope.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AdminBillingResource {
    @Inject
    MeteredCaller caller;
    @Inject
    @Writes
    StorageEngine storage;
    @Inject
    Operator operator;

    public record PlanBody(String currency) {
    }

    public record RateBody(BigDecimal baseRate, String unit) {
    }

    public record MultiplierBody(String kind, String criteria, BigDecimal factor) {
    }

    public record TenantPlanBody(String plan) {
    }

    public record TenantPlan(String tenant, String plan) {
    }

    @GET
    @Path("/plans")
    @Metered("admin.billing.plans")
    @Operation(summary = "Every rate plan with its rates and multipliers")
    public List<PlanView> plans() {
        requireOperator();
        List<PlanView> plans = storage.billing().plans().stream().map(PlanView::of).toList();
        caller.units(plans.size());
        return plans;
    }

    @GET
    @Path("/plans/{name}")
    @Metered("admin.billing.plan")
    @Operation(summary = "One rate plan")
    public PlanView plan(@PathParam("name") String name) {
        requireOperator();
        caller.units(1);
        return PlanView.of(existing(name));
    }

    @PUT
    @Path("/plans/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Metered("admin.billing.plan.put")
    @Operation(summary = "Create a rate plan {currency}; its currency cannot change afterwards")
    public PlanView putPlan(@PathParam("name") String name, PlanBody body) {
        requireOperator();
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {currency} is required");
        }
        caller.units(1);
        return PlanView.of(storage.billing().putPlan(name, body.currency()));
    }

    @PUT
    @Path("/plans/{name}/rates/{operation}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Metered("admin.billing.rate.put")
    @Operation(summary = "Set a plan's base rate of an operation {baseRate, unit}")
    public PlanView putRate(@PathParam("name") String name, @PathParam("operation") String operation,
                            RateBody body) {
        requireOperator();
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {baseRate, unit} is required");
        }
        OperationRate rate = new OperationRate(operation, body.baseRate(), body.unit());
        caller.units(1);
        return PlanView.of(storage.billing().putRate(RatePlan.requireName(name), rate));
    }

    @PUT
    @Path("/plans/{name}/multipliers/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Metered("admin.billing.multiplier.put")
    @Operation(summary = "Set one of a plan's multipliers {kind: complexity|content_type|grounding, criteria, factor}")
    public PlanView putMultiplier(@PathParam("name") String name, @PathParam("id") String id, MultiplierBody body) {
        requireOperator();
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {kind, criteria, factor} is required");
        }
        Multiplier multiplier = new Multiplier(id, MultiplierKind.parse(body.kind()), body.criteria(), body.factor());
        caller.units(1);
        return PlanView.of(storage.billing().putMultiplier(RatePlan.requireName(name), multiplier));
    }

    @DELETE
    @Path("/plans/{name}/rates/{operation}")
    @Metered("admin.billing.rate.delete")
    @Operation(summary = "Remove a plan's rate of an operation (its uses cost 0 from then on)")
    public PlanView removeRate(@PathParam("name") String name, @PathParam("operation") String operation) {
        requireOperator();
        caller.units(1);
        return PlanView.of(storage.billing().removeRate(RatePlan.requireName(name), operation));
    }

    @DELETE
    @Path("/plans/{name}/multipliers/{id}")
    @Metered("admin.billing.multiplier.delete")
    @Operation(summary = "Remove one of a plan's multipliers")
    public PlanView removeMultiplier(@PathParam("name") String name, @PathParam("id") String id) {
        requireOperator();
        caller.units(1);
        return PlanView.of(storage.billing().removeMultiplier(RatePlan.requireName(name), id));
    }

    @GET
    @Path("/tenants/{tenant}/plan")
    @Metered("admin.billing.tenant.plan")
    @Operation(summary = "The plan a tenant is on (default when none was assigned)")
    public TenantPlan tenantPlan(@PathParam("tenant") String tenant) {
        requireOperator();
        caller.units(1);
        return new TenantPlan(tenant, storage.billing().planOf(tenant));
    }

    @PUT
    @Path("/tenants/{tenant}/plan")
    @Consumes(MediaType.APPLICATION_JSON)
    @Metered("admin.billing.tenant.plan.put")
    @Operation(summary = "Put a tenant on a plan {plan}, from its next recorded use on")
    public TenantPlan assign(@PathParam("tenant") String tenant, TenantPlanBody body) {
        requireOperator();
        if (body == null || body.plan() == null) {
            throw new IllegalArgumentException("a JSON body {plan} is required");
        }
        storage.billing().assign(tenant, body.plan());
        caller.units(1);
        return new TenantPlan(tenant, storage.billing().planOf(tenant));
    }

    private RatePlan existing(String name) {
        return storage.billing().plan(name)
                .orElseThrow(() -> new NotFoundException("rate plan '" + name + "' not found"));
    }

    private void requireOperator() {
        operator.require("rate plans are the operator's");
    }
}
