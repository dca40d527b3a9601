package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.ooda.OodaCycle;
import io.hartonomous.storage.contract.ooda.OodaLoop;
import io.hartonomous.storage.contract.ooda.OodaProposal;
import io.hartonomous.storage.contract.ooda.OodaSettings;
import io.hartonomous.storage.contract.ooda.OodaStatus;
import io.hartonomous.storage.engine.jdbc.Binder;
import io.hartonomous.storage.engine.jdbc.OodaRows;

import java.time.Duration;
import java.util.List;

/**
 * The OODA loop of sql/080 driven through sql/081: a requested cycle runs the four phases in line
 * (ops.sp_OodaRunCycle); the Service Broker timer runs them through activation; the emergency stop turns the OODA
 * queues' activation off and is kept in ops.Settings. Engine-wide, like the queue: no tenant in the session.
 */
record SqlServerOoda(Session session) implements OodaLoop {
    private static final int MAX_CYCLES_LISTED = 1000;
    private static final OodaRows ROWS = new OodaRows(SqlRows.RECORDS);

    @Override
    public OodaStatus status() {
        return session.single(Procedures.OODA_STATUS, call -> { }, rs -> new OodaStatus(rs.getBoolean("Running"),
                new OodaSettings(rs.getBoolean("DryRun"), rs.getBoolean("RequireApproval"),
                        rs.getInt("MaxChangesPerCycle"), Duration.ofSeconds(rs.getLong("HistoryRetentionSeconds")))));
    }

    @Override
    public OodaCycle runCycle() {
        String cycleId = session.single(Procedures.OODA_RUN_CYCLE, call -> { }, rs -> rs.getString("CycleId"));
        return cycles(1, cycleId).getFirst();
    }

    @Override
    public List<OodaCycle> cycles(int limit) {
        if (limit < 1 || limit > MAX_CYCLES_LISTED) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_CYCLES_LISTED + ", got " + limit);
        }
        return cycles(limit, null);
    }

    private List<OodaCycle> cycles(int limit, String cycleId) {
        Binder<ProcedureCall> latest = call -> call.setInt("Limit", limit).setString("CycleId", cycleId);
        return OodaRows.assemble(session.list(Procedures.OODA_LIST_CYCLES, latest, ROWS::cycle),
                session.list(Procedures.OODA_LIST_OBSERVATIONS, latest, ROWS::observation),
                session.list(Procedures.OODA_LIST_PROPOSALS, latest, ROWS::proposal));
    }

    @Override
    public OodaProposal approve(long proposalId, String decidedBy) {
        return decide(proposalId, true, decidedBy);
    }

    @Override
    public OodaProposal reject(long proposalId, String decidedBy) {
        return decide(proposalId, false, decidedBy);
    }

    private OodaProposal decide(long proposalId, boolean approve, String decidedBy) {
        return session.single(Procedures.OODA_DECIDE, call -> call.setLong("ProposalId", proposalId)
                .setBoolean("Approve", approve).setString("DecidedBy", decidedBy), ROWS::proposal);
    }

    @Override
    public void stop() {
        session.execute(Procedures.OODA_SET_RUNNING, call -> call.setBoolean("Running", false));
    }

    @Override
    public void start() {
        session.execute(Procedures.OODA_SET_RUNNING, call -> call.setBoolean("Running", true));
    }

    @Override
    public OodaStatus configure(OodaSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        session.execute(Procedures.OODA_CONFIGURE, call -> call.setBoolean("DryRun", settings.dryRun())
                .setBoolean("RequireApproval", settings.requireApproval())
                .setInt("MaxChangesPerCycle", settings.maxChangesPerCycle())
                .setLong("HistoryRetentionSeconds", settings.historyRetention().toSeconds()));
        return status();
    }
}
