package io.hartonomous.storage.engine.jdbc;

import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.reasoning.ConceptGeneration;
import io.hartonomous.storage.contract.reasoning.DiscoverRequest;
import io.hartonomous.storage.contract.reasoning.Evolution;
import io.hartonomous.storage.contract.reasoning.EvolutionKind;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.engine.reasoning.ConceptPlan;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Concept generations as both engines store them: the operation of their inference record, its evidence (each
 * member with its concept and similarity, chosen; each noise point, not chosen, score 0), its output summary, and
 * the mapping of rows named alike on both engines.
 */
public final class ConceptRows {
    public static final String OPERATION = "concepts.discover";
    public static final String MEMBER = "member";
    public static final String NOISE = "noise";

    public static final String GENERATION_COLUMNS = "g.GenerationId, g.EmbeddingType, g.Generation, g.InferenceId, "
            + "g.Metric, g.Eps, g.MinPts, g.ConceptCount, g.NoiseCount, g.CreatedAt";

    private ConceptRows() {
    }

    /** The evidence of a discover run once its concepts have ids ({@code conceptIds} by ordinal). */
    public static List<Evidence> evidence(ConceptPlan plan, List<Long> conceptIds) {
        List<Evidence> evidence = new ArrayList<>(plan.points());
        for (ConceptPlan.Planned c : plan.concepts()) {
            for (int m = 0; m < c.members().length; m++) {
                evidence.add(new Evidence(0, MEMBER, c.members()[m], conceptIds.get(c.ordinal()), c.similarity()[m],
                        true));
            }
        }
        for (long atom : plan.noise()) {
            evidence.add(Evidence.atom(0, NOISE, atom, 0, false));
        }
        return evidence;
    }

    public static String summary(ConceptPlan plan, int generation) {
        return "{\"generation\":" + generation + ",\"concepts\":" + plan.concepts().size() + ",\"noise\":"
                + plan.noise().size() + ",\"points\":" + plan.points() + "}";
    }

    public static String metricName(DiscoverRequest r) {
        return r.metric().name().toLowerCase(Locale.ROOT);
    }

    public static ConceptGeneration generation(ContractRows rows, ResultSet rs) throws SQLException {
        return new ConceptGeneration(rs.getLong("GenerationId"), rs.getString("EmbeddingType"),
                rs.getInt("Generation"), rs.getLong("InferenceId"), Metric.parse(rs.getString("Metric")),
                rs.getDouble("Eps"), rs.getInt("MinPts"), rs.getInt("ConceptCount"), rs.getInt("NoiseCount"),
                rows.instant(rs, "CreatedAt"));
    }

    public static Evolution evolution(ResultSet rs) throws SQLException {
        return new Evolution(EvolutionKind.valueOf(rs.getString("Kind")), rs.getObject("FromConceptId", Long.class),
                rs.getObject("ToConceptId", Long.class), rs.getInt("SharedMembers"));
    }
}
