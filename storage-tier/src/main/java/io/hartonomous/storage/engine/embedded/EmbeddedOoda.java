package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.ooda.ActionKind;
import io.hartonomous.storage.contract.ooda.ObservationKind;
import io.hartonomous.storage.contract.ooda.OodaCycle;
import io.hartonomous.storage.contract.ooda.OodaLoop;
import io.hartonomous.storage.contract.ooda.OodaObservation;
import io.hartonomous.storage.contract.ooda.OodaProposal;
import io.hartonomous.storage.contract.ooda.OodaSettings;
import io.hartonomous.storage.contract.ooda.OodaStatus;
import io.hartonomous.storage.contract.ooda.ProposalState;
import io.hartonomous.storage.engine.jdbc.OodaRows;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The OODA loop on H2 (embedded/100). A cycle records what it observed ({@link OodaObservations}), proposes one
 * action per observation that has a safe one unless the same action is already waiting, applies approved proposals
 * ({@link OodaActions}; never in dry run, at most maxChangesPerCycle), and for every applied proposal measures its
 * observation again and records the effect. A proposal is claimed by setting AppliedAt while still APPROVED, so two
 * processes running cycles at once never apply it twice.
 */
final class EmbeddedOoda implements OodaLoop {
    private static final String PROPOSAL_COLUMNS = "ProposalId, CycleId, ActionKind, TargetObject, State, "
            + "ExpectedEffect, MetricBefore, MetricAfter, MeasuredEffect, DecidedBy, AppliedAt, ErrorMessage";
    private static final OodaRows ROWS = new OodaRows(Rows.RECORDS);
    private static final int MAX_CYCLES_LISTED = 1000;

    private final UnitOfWork tx;
    private final OodaObservations observations;
    private final OodaActions actions;
    private final Runnable writeOwnTimings;

    /** {@code writeOwnTimings}: this engine's timings written now, so the cycle sees its own calls too. */
    EmbeddedOoda(UnitOfWork tx, OodaObservations observations, OodaActions actions, Runnable writeOwnTimings) {
        this.tx = tx;
        this.observations = observations;
        this.actions = actions;
        this.writeOwnTimings = writeOwnTimings;
    }

    @Override
    public OodaStatus status() {
        OodaSettingsTable.Values v = tx.read("ooda.status", OodaSettingsTable::read);
        return new OodaStatus(v.running(), v.settings());
    }

    @Override
    public OodaCycle runCycle() {
        String cycleId = UUID.randomUUID().toString();
        if (status().running()) {
            try {
                writeOwnTimings.run();
            } catch (RuntimeException e) {
                // The figures stay for the next write; this cycle reads what the table has.
            }
        }
        // Analyze and Hypothesize in one transaction: a cycle is recorded whole or not at all.
        tx.inTransaction("ooda.analyze", c -> {
            OodaSettingsTable.Values s = OodaSettingsTable.read(c);
            if (!s.running()) {
                throw new ConflictException("the OODA loop is stopped (emergency stop): start it before running a "
                        + "cycle");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO OodaCycles (CycleId, DryRun) VALUES (?, ?)")) {
                ps.setString(1, cycleId);
                ps.setBoolean(2, s.settings().dryRun());
                ps.executeUpdate();
            }
            List<OodaObservation> seen = observations.analyze(c, s);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO OodaObservations (CycleId, Kind, "
                    + "TargetObject, Metric, Detail) VALUES (?, ?, ?, ?, ?)")) {
                for (OodaObservation o : seen) {
                    ps.setString(1, cycleId);
                    ps.setString(2, o.kind().name());
                    ps.setString(3, o.target());
                    ps.setDouble(4, o.metric());
                    ps.setString(5, o.detail() == null ? null : truncate(o.detail(), 4000));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            hypothesize(c, cycleId, seen, s.settings());
            return null;
        });
        actAndLearn();
        tx.run("ooda.finish", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE OodaCycles SET FinishedAt = CURRENT_TIMESTAMP WHERE CycleId = ?")) {
                ps.setString(1, cycleId);
                return ps.executeUpdate();
            }
        });
        return cycles("CycleId = ?", cycleId, 1).getFirst();
    }

    private void hypothesize(Connection c, String cycleId, List<OodaObservation> seen, OodaSettings s)
            throws SQLException {
        ProposalState initial = s.requireApproval() ? ProposalState.PROPOSED : ProposalState.APPROVED;
        for (OodaObservation o : seen) {
            OodaActions.Plan plan = actions.plan(o);
            if (plan == null || waiting(c, plan.action(), o.target())) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO OodaProposals (CycleId, ActionKind, "
                    + "TargetObject, State, ExpectedEffect, MetricBefore) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, cycleId);
                ps.setString(2, plan.action().name());
                ps.setString(3, o.target());
                ps.setString(4, initial.name());
                ps.setString(5, truncate(plan.expectedEffect(), 1000));
                ps.setDouble(6, o.metric());
                ps.executeUpdate();
            }
        }
    }

    private static boolean waiting(Connection c, ActionKind action, String target) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM OodaProposals WHERE ActionKind = ? AND "
                + "TargetObject = ? AND State IN ('PROPOSED', 'APPROVED')")) {
            ps.setString(1, action.name());
            ps.setString(2, target);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Act (unless stopped or dry) on the oldest approved proposals up to the cap, then Learn on what was applied. */
    private void actAndLearn() {
        OodaSettingsTable.Values s = tx.read("ooda.act", OodaSettingsTable::read);
        if (!s.running() || s.settings().dryRun()) {
            return;
        }
        List<OodaProposal> approved = proposals("State = 'APPROVED' AND AppliedAt IS NULL ORDER BY ProposalId",
                null, s.settings().maxChangesPerCycle());
        for (OodaProposal p : approved) {
            if (!claim(p.proposalId())) {
                continue;
            }
            try {
                String done = actions.apply(p.action(), p.target(), s);
                update(p.proposalId(), "State = 'APPLIED', MeasuredEffect = ?", truncate(done, 1000));
            } catch (RuntimeException e) {
                update(p.proposalId(), "State = 'FAILED', ErrorMessage = ?", truncate(String.valueOf(e.getMessage()),
                        4000));
            }
        }
        learn(s);
    }

    private boolean claim(long proposalId) {
        return tx.inTransaction("ooda.claim", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE OodaProposals SET AppliedAt = CURRENT_TIMESTAMP "
                    + "WHERE ProposalId = ? AND State = 'APPROVED' AND AppliedAt IS NULL")) {
                ps.setLong(1, proposalId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Measures the observation behind every applied, not yet measured proposal again. None of the embedded actions
     * has a revert (ActionKind.revertible), so a worse figure is recorded as such and left for the operator.
     */
    private void learn(OodaSettingsTable.Values s) {
        for (OodaProposal p : proposals("State = 'APPLIED' AND MetricAfter IS NULL ORDER BY ProposalId", null,
                MAX_CYCLES_LISTED)) {
            ObservationKind kind = OodaActions.observes(p.action());
            Double after = tx.read("ooda.learn", c -> observations.measure(c, kind, p.target(), s));
            if (after == null) {
                continue;
            }
            double before = p.metricBefore() == null ? Double.NaN : p.metricBefore();
            String verdict = after < before ? "better" : after > before ? "worse (no revert for "
                    + p.action().name().toLowerCase(Locale.ROOT) + ")" : "unchanged";
            String effect = String.format(Locale.ROOT, "%s %.2f -> %.2f: %s", kind.name().toLowerCase(Locale.ROOT),
                    before, after, verdict);
            String applied = p.measuredEffect() == null ? "" : p.measuredEffect() + "; ";
            double measured = after;
            tx.run("ooda.learn", c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE OodaProposals SET MetricAfter = ?, MeasuredEffect = ? WHERE ProposalId = ?")) {
                    ps.setDouble(1, measured);
                    ps.setString(2, truncate(applied + effect, 1000));
                    ps.setLong(3, p.proposalId());
                    return ps.executeUpdate();
                }
            });
        }
    }

    private void update(long proposalId, String set, String text) {
        tx.run("ooda.update", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE OodaProposals SET " + set
                    + " WHERE ProposalId = ?")) {
                ps.setString(1, text);
                ps.setLong(2, proposalId);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<OodaCycle> cycles(int limit) {
        if (limit < 1 || limit > MAX_CYCLES_LISTED) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_CYCLES_LISTED + ", got " + limit);
        }
        return cycles(null, null, limit);
    }

    private List<OodaCycle> cycles(String where, String cycleId, int limit) {
        return tx.read("ooda.cycles", c -> {
            List<OodaRows.CycleRow> cycles = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT CycleId, StartedAt, DryRun FROM OodaCycles "
                    + (where == null ? "" : "WHERE " + where) + " ORDER BY StartedAt DESC, CycleId FETCH FIRST "
                    + limit + " ROWS ONLY")) {
                if (cycleId != null) {
                    ps.setString(1, cycleId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        cycles.add(ROWS.cycle(rs));
                    }
                }
            }
            if (cycles.isEmpty()) {
                return List.of();
            }
            String ids = "CycleId IN (" + "?, ".repeat(cycles.size() - 1) + "?)";
            List<OodaRows.ObservationRow> seen = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT CycleId, Kind, TargetObject, Metric, Detail "
                    + "FROM OodaObservations WHERE " + ids + " ORDER BY ObservationId")) {
                bindIds(ps, cycles);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seen.add(ROWS.observation(rs));
                    }
                }
            }
            List<OodaProposal> proposed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + PROPOSAL_COLUMNS + " FROM OodaProposals "
                    + "WHERE " + ids + " ORDER BY ProposalId")) {
                bindIds(ps, cycles);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        proposed.add(ROWS.proposal(rs));
                    }
                }
            }
            return OodaRows.assemble(cycles, seen, proposed);
        });
    }

    private static void bindIds(PreparedStatement ps, List<OodaRows.CycleRow> cycles) throws SQLException {
        for (int i = 0; i < cycles.size(); i++) {
            ps.setString(i + 1, cycles.get(i).cycleId());
        }
    }

    private List<OodaProposal> proposals(String where, Long proposalId, int limit) {
        return tx.read("ooda.proposals", c -> proposals(c, where, proposalId, limit));
    }

    private static List<OodaProposal> proposals(Connection c, String where, Long proposalId, int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PROPOSAL_COLUMNS + " FROM OodaProposals WHERE "
                + where + " FETCH FIRST " + limit + " ROWS ONLY")) {
            if (proposalId != null) {
                ps.setLong(1, proposalId);
            }
            List<OodaProposal> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(ROWS.proposal(rs));
                }
            }
            return out;
        }
    }

    @Override
    public OodaProposal approve(long proposalId, String decidedBy) {
        decide(proposalId, decidedBy, ProposalState.APPROVED, "State = 'PROPOSED'", "proposed");
        actAndLearn();
        return find(proposalId);
    }

    @Override
    public OodaProposal reject(long proposalId, String decidedBy) {
        decide(proposalId, decidedBy, ProposalState.REJECTED,
                "State IN ('PROPOSED', 'APPROVED') AND AppliedAt IS NULL", "proposed or approved (not yet applied)");
        return find(proposalId);
    }

    private void decide(long proposalId, String decidedBy, ProposalState to, String from, String fromText) {
        tx.inTransaction("ooda.decide", c -> {
            List<OodaProposal> found = proposals(c, "ProposalId = ?", proposalId, 1);
            if (found.isEmpty()) {
                throw new NotFoundException("OODA proposal " + proposalId + " not found");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE OodaProposals SET State = ?, DecidedBy = ?, "
                    + "DecidedAt = CURRENT_TIMESTAMP WHERE ProposalId = ? AND " + from)) {
                ps.setString(1, to.name());
                ps.setString(2, decidedBy == null ? null : truncate(decidedBy, 128));
                ps.setLong(3, proposalId);
                if (ps.executeUpdate() != 1) {
                    throw new ConflictException("OODA proposal " + proposalId + " is "
                            + found.getFirst().state().wireName() + ": only a " + fromText + " one can be "
                            + to.wireName());
                }
            }
            return null;
        });
    }

    private OodaProposal find(long proposalId) {
        return proposals("ProposalId = ?", proposalId, 1).getFirst();
    }

    @Override
    public void stop() {
        tx.inTransaction("ooda.stop", c -> {
            OodaSettingsTable.put(c, OodaSettingsTable.RUNNING, "0");
            return null;
        });
    }

    @Override
    public void start() {
        tx.inTransaction("ooda.start", c -> {
            OodaSettingsTable.put(c, OodaSettingsTable.RUNNING, "1");
            return null;
        });
    }

    @Override
    public OodaStatus configure(OodaSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        tx.inTransaction("ooda.configure", c -> {
            OodaSettingsTable.write(c, settings);
            return null;
        });
        return status();
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
