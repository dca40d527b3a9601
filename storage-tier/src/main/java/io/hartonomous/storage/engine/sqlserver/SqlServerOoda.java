package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.ooda.OodaCycle;
import io.hartonomous.storage.contract.ooda.OodaLoop;
import io.hartonomous.storage.contract.ooda.OodaProposal;
import io.hartonomous.storage.contract.ooda.OodaSettings;
import io.hartonomous.storage.contract.ooda.OodaStatus;
import io.hartonomous.storage.contract.vectors.ProjectionRebuild;
import io.hartonomous.storage.engine.jdbc.Binder;
import io.hartonomous.storage.engine.jdbc.OodaRows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The OODA loop of sql/080 driven through sql/081: a requested cycle runs the four phases in line
 * (ops.sp_OodaRunCycle); the Service Broker timer runs them through activation; the emergency stop turns the OODA
 * queues' activation off, makes every phase refuse, and is kept in ops.Settings. Engine-wide, like the queue: no
 * tenant in the session. A projection rebuild is derived in Java (as VectorStore.rebuildProjection always is), so
 * after a cycle or an approval the engine claims the approved rebuilds (ops.sp_OodaClaimRebuild, none while stopped
 * or dry), runs them and reports back (ops.sp_OodaFinishRebuild, which measures the type again); they count against
 * the same per-cycle cap as the actions the procedures took on. An approval is only a decision (ops.sp_OodaDecide),
 * so a retried call never acts twice; acting follows as its own call (ops.sp_OodaAct).
 */
record SqlServerOoda(Session session, Function<String, ProjectionRebuild> rebuildProjection) implements OodaLoop {
    private static final int MAX_CYCLES_LISTED = 1000;
    private static final OodaRows ROWS = new OodaRows(SqlRows.RECORDS);

    @Override
    public OodaStatus status() {
        return session.single(Procedures.OODA_STATUS, call -> { }, rs -> new OodaStatus(rs.getBoolean("Running"),
                new OodaSettings(rs.getBoolean("DryRun"), rs.getBoolean("RequireApproval"),
                        rs.getInt("MaxChangesPerCycle"), Duration.ofSeconds(rs.getLong("HistoryRetentionSeconds")))));
    }

    /** A cycle's id and the actions its Act phase took on. */
    private record Acted(String cycleId, int acted) {
    }

    @Override
    public OodaCycle runCycle() {
        Acted run = session.single(Procedures.OODA_RUN_CYCLE, call -> { },
                rs -> new Acted(rs.getString("CycleId"), rs.getInt("Acted")));
        rebuildApproved(run.acted());
        return cycles(1, run.cycleId()).getFirst();
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
        OodaProposal decided = session.single(Procedures.OODA_DECIDE, call -> call.setLong("ProposalId", proposalId)
                .setBoolean("Approve", approve).setString("DecidedBy", decidedBy), ROWS::proposal);
        if (!approve) {
            return decided;
        }
        int acted = session.single(Procedures.OODA_ACT, call -> call.setString("CycleId", decided.cycleId()),
                rs -> rs.getInt("Acted"));
        rebuildApproved(acted);
        return cycles(1, decided.cycleId()).getFirst().proposals().stream()
                .filter(p -> p.proposalId() == proposalId).findFirst().orElse(decided);
    }

    /** Claimed rebuild: a proposal id and its embedding type. */
    private record Claim(long proposalId, String embeddingType) {
    }

    /**
     * Runs approved projection rebuilds while the cycle's cap (maxChangesPerCycle, less the {@code acted} changes
     * the procedures already made) allows; returns their proposal ids.
     */
    private List<Long> rebuildApproved(int acted) {
        int cap = status().settings().maxChangesPerCycle() - acted;
        List<Long> done = new ArrayList<>();
        while (done.size() < cap) {
            Optional<Claim> claim = session.one(Procedures.OODA_CLAIM_REBUILD, call -> { },
                    rs -> new Claim(rs.getLong("ProposalId"), rs.getString("TargetObject")));
            if (claim.isEmpty()) {
                break;
            }
            String effect = null;
            String error = null;
            try {
                ProjectionRebuild r = rebuildProjection.apply(claim.get().embeddingType());
                effect = "rebuilt: generation " + r.generation() + ", " + r.landmarks() + " landmarks from "
                        + r.trainedOn() + " embeddings, " + r.reprojected() + " re-projected";
            } catch (RuntimeException e) {
                error = String.valueOf(e.getMessage());
            }
            String doneText = effect;
            String errorText = error;
            session.execute(Procedures.OODA_FINISH_REBUILD, call -> call.setLong("ProposalId",
                    claim.get().proposalId()).setString("Done", doneText).setString("Error", errorText));
            done.add(claim.get().proposalId());
        }
        return done;
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
