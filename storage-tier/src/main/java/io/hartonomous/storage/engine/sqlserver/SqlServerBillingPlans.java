package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.Tenants;
import io.hartonomous.storage.contract.billing.BillingPlans;
import io.hartonomous.storage.contract.billing.Multiplier;
import io.hartonomous.storage.contract.billing.OperationRate;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.engine.jdbc.Binder;
import io.hartonomous.storage.engine.jdbc.BillingRows;

import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;

/** Rate plans through sql/076 (operators', engine-wide: the session carries no tenant). */
record SqlServerBillingPlans(Session session) implements BillingPlans {
    /** Plans from a procedure returning sp_GetRatePlans' rows (every row of its first result set is one plan's). */
    static List<RatePlan> plans(Session session, Procedure procedure, Binder<ProcedureCall> binder) {
        return session.run(procedure.name(), c -> {
            try (ProcedureCall call = ProcedureCall.prepare(c, procedure)) {
                binder.bind(call);
                List<RatePlan> plans;
                try (ResultSet rs = call.first()) {
                    plans = rs == null ? List.of() : BillingRows.plans(rs);
                }
                call.drain();
                return plans;
            }
        });
    }

    private static RatePlan one(List<RatePlan> plans, String name) {
        return plans.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new NotFoundException("rate plan '" + name + "' not found"));
    }

    @Override
    public RatePlan putPlan(String name, String currency) {
        String plan = RatePlan.requireName(name);
        String code = RatePlan.requireCurrency(currency);
        return one(plans(session, Procedures.PUT_RATE_PLAN, call -> call.setString("PlanName", plan)
                .setString("Currency", code)), plan);
    }

    @Override
    public Optional<RatePlan> plan(String name) {
        String plan = RatePlan.requireName(name);
        return plans(session, Procedures.GET_RATE_PLANS, call -> call.setString("PlanName", plan)
                .setString("Operation", null)).stream().findFirst();
    }

    @Override
    public List<RatePlan> plans() {
        return plans(session, Procedures.GET_RATE_PLANS, call -> call.setString("PlanName", null)
                .setString("Operation", null));
    }

    @Override
    public RatePlan putRate(String plan, OperationRate rate) {
        RatePlan.requireName(plan);
        return one(plans(session, Procedures.PUT_OPERATION_RATE, call -> call.setString("PlanName", plan)
                .setString("Operation", rate.operation()).setDecimal("BaseRate", rate.baseRate())
                .setString("UnitName", rate.unit())), plan);
    }

    @Override
    public RatePlan putMultiplier(String plan, Multiplier multiplier) {
        RatePlan.requireName(plan);
        return one(plans(session, Procedures.PUT_MULTIPLIER, call -> call.setString("PlanName", plan)
                .setString("MultiplierId", multiplier.id()).setString("Kind", multiplier.kind().wireName())
                .setString("Criteria", multiplier.criteria()).setDecimal("Factor", multiplier.factor())), plan);
    }

    @Override
    public RatePlan removeRate(String plan, String operation) {
        RatePlan.requireName(plan);
        return one(plans(session, Procedures.REMOVE_OPERATION_RATE, call -> call.setString("PlanName", plan)
                .setString("Operation", operation)), plan);
    }

    @Override
    public RatePlan removeMultiplier(String plan, String multiplierId) {
        RatePlan.requireName(plan);
        return one(plans(session, Procedures.REMOVE_MULTIPLIER, call -> call.setString("PlanName", plan)
                .setString("MultiplierId", multiplierId)), plan);
    }

    @Override
    public void assign(String tenantId, String plan) {
        Tenants.requireValid(tenantId);
        RatePlan.requireName(plan);
        session.execute(Procedures.ASSIGN_RATE_PLAN, call -> call.setString("TenantId", tenantId)
                .setString("PlanName", plan));
    }

    @Override
    public String planOf(String tenantId) {
        Tenants.requireValid(tenantId);
        return session.single(Procedures.GET_ASSIGNED_RATE_PLAN, call -> call.setString("TenantId", tenantId),
                rs -> rs.getString("PlanName"));
    }
}
