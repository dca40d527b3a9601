package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.hartonomous.storage.contract.operations.UsageLedger;

import java.time.Instant;
import java.util.List;

/** Usage through sql/075: the memory-optimized ledger plus its columnstore archive, for the session tenant. */
record SqlServerUsageLedger(Session session) implements UsageLedger {
    @Override
    public void record(String operation, long units) {
        UsageLedger.requireEntry(operation, units);
        session.execute(Procedures.RECORD_USAGE, call -> call.setString("Operation", operation)
                .setLong("Units", units));
    }

    @Override
    public List<UsageGroup> usage(Instant from, Instant to, UsageGrouping groupBy) {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("the usage range ends before it starts");
        }
        return session.list(Procedures.GET_USAGE, call -> call.setInstant("From", from).setInstant("To", to)
                        .setString("GroupBy", groupBy.name()),
                rs -> new UsageGroup(rs.getString("GroupKey"), rs.getLong("Requests"), rs.getLong("Units")));
    }
}
