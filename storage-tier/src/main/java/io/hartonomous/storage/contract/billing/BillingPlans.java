package io.hartonomous.storage.contract.billing;

import java.util.List;
import java.util.Optional;

/**
 * Rate plans and which tenant is on which (an operator's store, engine-wide). Every write is an upsert; an unknown
 * plan is a {@link io.hartonomous.storage.contract.NotFoundException}.
 */
public interface BillingPlans {
    /** Creates the plan, or keeps it as it is; a plan's currency never changes (its recorded costs are in it). */
    RatePlan putPlan(String name, String currency);

    Optional<RatePlan> plan(String name);

    List<RatePlan> plans();

    RatePlan putRate(String plan, OperationRate rate);

    RatePlan putMultiplier(String plan, Multiplier multiplier);

    /** Removes the plan's rate of an operation (its uses cost 0 from then on); an unknown one is not found. */
    RatePlan removeRate(String plan, String operation);

    /** Removes one of the plan's multipliers; an unknown one is not found. */
    RatePlan removeMultiplier(String plan, String multiplierId);

    /** Puts the tenant on the plan from its next recorded use on. */
    void assign(String tenantId, String plan);

    /** The tenant's plan: the one assigned, else {@link RatePlan#DEFAULT}. */
    String planOf(String tenantId);
}
