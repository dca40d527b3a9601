package io.hartonomous.storage.engine.jdbc;

import io.hartonomous.storage.contract.ooda.ActionKind;
import io.hartonomous.storage.contract.ooda.ObservationKind;
import io.hartonomous.storage.contract.ooda.OodaCycle;
import io.hartonomous.storage.contract.ooda.OodaObservation;
import io.hartonomous.storage.contract.ooda.OodaProposal;
import io.hartonomous.storage.contract.ooda.ProposalState;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OODA rows as contract records for both engines: the embedded tables and the SQL Server procedures' result sets
 * name their columns alike (CycleId, Kind, TargetObject, Metric, Detail; ProposalId, ActionKind, State, ...).
 */
public final class OodaRows {
    /** A cycle's own row, before its observations and proposals are attached. */
    public record CycleRow(String cycleId, Instant startedAt, boolean dryRun) {
    }

    /** An observation with the cycle it belongs to. */
    public record ObservationRow(String cycleId, OodaObservation observation) {
    }

    private final ContractRows rows;

    public OodaRows(ContractRows rows) {
        this.rows = rows;
    }

    public CycleRow cycle(ResultSet rs) throws SQLException {
        return new CycleRow(rs.getString("CycleId"), rows.instant(rs, "StartedAt"), rs.getBoolean("DryRun"));
    }

    public ObservationRow observation(ResultSet rs) throws SQLException {
        return new ObservationRow(rs.getString("CycleId"), new OodaObservation(
                ObservationKind.valueOf(rs.getString("Kind")), rs.getString("TargetObject"), rs.getDouble("Metric"),
                rs.getString("Detail")));
    }

    public OodaProposal proposal(ResultSet rs) throws SQLException {
        return new OodaProposal(rs.getLong("ProposalId"), rs.getString("CycleId"),
                ActionKind.valueOf(rs.getString("ActionKind")), rs.getString("TargetObject"),
                ProposalState.valueOf(rs.getString("State")), rs.getString("ExpectedEffect"),
                rs.getObject("MetricBefore", Double.class), rs.getObject("MetricAfter", Double.class),
                rs.getString("MeasuredEffect"), rs.getString("DecidedBy"), rows.instant(rs, "AppliedAt"),
                rs.getString("ErrorMessage"));
    }

    /** Cycles (in the given order) with their observations and proposals attached. */
    public static List<OodaCycle> assemble(List<CycleRow> cycles, List<ObservationRow> observations,
                                           List<OodaProposal> proposals) {
        Map<String, List<OodaObservation>> seen = new LinkedHashMap<>();
        Map<String, List<OodaProposal>> proposed = new LinkedHashMap<>();
        for (ObservationRow o : observations) {
            seen.computeIfAbsent(o.cycleId(), k -> new ArrayList<>()).add(o.observation());
        }
        for (OodaProposal p : proposals) {
            proposed.computeIfAbsent(p.cycleId(), k -> new ArrayList<>()).add(p);
        }
        List<OodaCycle> out = new ArrayList<>(cycles.size());
        for (CycleRow c : cycles) {
            out.add(new OodaCycle(c.cycleId(), c.startedAt(), c.dryRun(), seen.getOrDefault(c.cycleId(), List.of()),
                    proposed.getOrDefault(c.cycleId(), List.of())));
        }
        return out;
    }
}
