package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.Tenants;
import io.hartonomous.storage.contract.billing.BillingPlans;
import io.hartonomous.storage.contract.billing.Multiplier;
import io.hartonomous.storage.contract.billing.OperationRate;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.engine.jdbc.BillingRows;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Rate plans on H2 (embedded/120): plain tables, each write one transaction. */
record EmbeddedBillingPlans(UnitOfWork tx) implements BillingPlans {
    /** A plan's rows (or every plan's: NULL name), optionally only one operation's rate, in BillingRows' shape. */
    private static final String PLAN_ROWS = "SELECT 'plan' AS RowKind, PlanName, Currency, "
            + "CAST(NULL AS VARCHAR(64)) AS Operation, CAST(NULL AS DECIMAL(28,12)) AS BaseRate, "
            + "CAST(NULL AS VARCHAR(32)) AS UnitName, CAST(NULL AS VARCHAR(64)) AS MultiplierId, "
            + "CAST(NULL AS VARCHAR(16)) AS Kind, CAST(NULL AS VARCHAR(64)) AS Criteria, "
            + "CAST(NULL AS DECIMAL(9,4)) AS Factor FROM RatePlans WHERE (?1 IS NULL OR PlanName = ?1) "
            + "UNION ALL SELECT 'rate', PlanName, NULL, Operation, BaseRate, UnitName, NULL, NULL, NULL, NULL "
            + "FROM OperationRates WHERE (?1 IS NULL OR PlanName = ?1) AND (?2 IS NULL OR Operation = ?2) "
            + "UNION ALL SELECT 'multiplier', PlanName, NULL, NULL, NULL, NULL, MultiplierId, Kind, Criteria, Factor "
            + "FROM BillingMultipliers WHERE (?1 IS NULL OR PlanName = ?1) ORDER BY PlanName";

    /** The plan's rows, with only {@code operation}'s rate when it is not null. */
    static Optional<RatePlan> load(Connection c, String plan, String operation) throws SQLException {
        List<RatePlan> plans = select(c, plan, operation);
        return plans.isEmpty() ? Optional.empty() : Optional.of(plans.getFirst());
    }

    private static List<RatePlan> select(Connection c, String plan, String operation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PLAN_ROWS)) {
            ps.setString(1, plan);
            ps.setString(2, operation);
            try (ResultSet rs = ps.executeQuery()) {
                return BillingRows.plans(rs);
            }
        }
    }

    static String planOf(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT PlanName FROM TenantRatePlans WHERE TenantId = ?")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : RatePlan.DEFAULT;
            }
        }
    }

    /** Locks the plan's row, so writers of one plan queue and the multiplier count sees every committed one. */
    private static void lock(Connection c, String plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT PlanName FROM RatePlans WHERE PlanName = ? FOR UPDATE")) {
            ps.setString(1, plan);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("rate plan '" + plan + "' not found");
                }
            }
        }
    }

    private static RatePlan existing(Connection c, String plan) throws SQLException {
        return load(c, plan, null).orElseThrow(() -> new NotFoundException("rate plan '" + plan + "' not found"));
    }

    @Override
    public RatePlan putPlan(String name, String currency) {
        String plan = RatePlan.requireName(name);
        String code = RatePlan.requireCurrency(currency);
        return tx.inTransaction("putPlan", c -> {
            Optional<RatePlan> before = load(c, plan, null);
            if (before.isPresent()) {
                if (!before.get().currency().equals(code)) {
                    throw new IllegalArgumentException("rate plan '" + plan + "' is in " + before.get().currency()
                            + ": a plan's currency cannot change (its recorded costs are in it); create another plan");
                }
                return before.get();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO RatePlans (PlanName, Currency) VALUES (?, ?)")) {
                ps.setString(1, plan);
                ps.setString(2, code);
                ps.executeUpdate();
            }
            return existing(c, plan);
        });
    }

    @Override
    public Optional<RatePlan> plan(String name) {
        String plan = RatePlan.requireName(name);
        return tx.read("plan", c -> load(c, plan, null));
    }

    @Override
    public List<RatePlan> plans() {
        return tx.read("plans", c -> select(c, null, null));
    }

    @Override
    public RatePlan putRate(String plan, OperationRate rate) {
        RatePlan.requireName(plan);
        return tx.inTransaction("putRate", c -> {
            existing(c, plan);
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO OperationRates (PlanName, Operation, BaseRate, "
                    + "UnitName) KEY (PlanName, Operation) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, plan);
                ps.setString(2, rate.operation());
                ps.setBigDecimal(3, rate.baseRate());
                ps.setString(4, rate.unit());
                ps.executeUpdate();
            }
            return existing(c, plan);
        });
    }

    @Override
    public RatePlan putMultiplier(String plan, Multiplier multiplier) {
        RatePlan.requireName(plan);
        return tx.inTransaction("putMultiplier", c -> {
            lock(c, plan);
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO BillingMultipliers (PlanName, MultiplierId, "
                    + "Kind, Criteria, Factor) KEY (PlanName, MultiplierId) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, plan);
                ps.setString(2, multiplier.id());
                ps.setString(3, multiplier.kind().wireName());
                ps.setString(4, multiplier.criteria());
                ps.setBigDecimal(5, multiplier.factor());
                ps.executeUpdate();
            }
            RatePlan after = existing(c, plan);
            if (after.multipliers().size() > RatePlan.MAX_MULTIPLIERS) {
                throw new IllegalArgumentException("rate plan '" + plan + "' already has " + RatePlan.MAX_MULTIPLIERS
                        + " multipliers, the most a plan holds");
            }
            return after;
        });
    }

    @Override
    public RatePlan removeRate(String plan, String operation) {
        RatePlan.requireName(plan);
        return remove("removeRate", "DELETE FROM OperationRates WHERE PlanName = ? AND Operation = ?", plan,
                operation, "rate of '" + operation + "'");
    }

    @Override
    public RatePlan removeMultiplier(String plan, String multiplierId) {
        RatePlan.requireName(plan);
        return remove("removeMultiplier", "DELETE FROM BillingMultipliers WHERE PlanName = ? AND MultiplierId = ?",
                plan, multiplierId, "multiplier '" + multiplierId + "'");
    }

    private RatePlan remove(String name, String delete, String plan, String key, String what) {
        return tx.inTransaction(name, c -> {
            lock(c, plan);
            try (PreparedStatement ps = c.prepareStatement(delete)) {
                ps.setString(1, plan);
                ps.setString(2, key);
                if (ps.executeUpdate() == 0) {
                    throw new NotFoundException("rate plan '" + plan + "' has no " + what);
                }
            }
            return existing(c, plan);
        });
    }

    @Override
    public void assign(String tenantId, String plan) {
        Tenants.requireValid(tenantId);
        RatePlan.requireName(plan);
        tx.inTransaction("assignPlan", c -> {
            existing(c, plan);
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO TenantRatePlans (TenantId, PlanName, "
                    + "AssignedAt) KEY (TenantId) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                ps.setString(1, tenantId);
                ps.setString(2, plan);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public String planOf(String tenantId) {
        Tenants.requireValid(tenantId);
        return tx.read("planOf", c -> planOf(c, tenantId));
    }
}
