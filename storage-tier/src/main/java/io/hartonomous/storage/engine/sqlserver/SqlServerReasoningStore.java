package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.reasoning.Candidate;
import io.hartonomous.storage.contract.reasoning.GenerationRequest;
import io.hartonomous.storage.contract.reasoning.GenerationResult;
import io.hartonomous.storage.contract.reasoning.GenerationStep;
import io.hartonomous.storage.contract.reasoning.PathHeuristic;
import io.hartonomous.storage.contract.reasoning.PathRequest;
import io.hartonomous.storage.contract.reasoning.PathResult;
import io.hartonomous.storage.contract.reasoning.ReasoningStore;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.vectors.EmbeddingVector;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reasoning through sql/083: dbo.sp_GenerateOptimalPath runs A* on the server (the k-NN edges of an atom by
 * VECTOR_DISTANCE when it is expanded), dbo.sp_GenerateWithAttention runs every step of a generation there (the
 * hybrid search of sql/073, softmax, Park–Miller draw, context update) and returns all candidates of all steps;
 * the steps reach {@code onStep} once the procedure has answered.
 */
record SqlServerReasoningStore(Session session) implements ReasoningStore {
    private record PathRow(int ordinal, Long atomId, Double cost, boolean found, long expanded, boolean exhausted,
                           String heuristic) {
    }

    @Override
    public PathResult path(PathRequest r) {
        List<PathRow> rows = session.list(Procedures.GENERATE_OPTIMAL_PATH, call -> call
                .setLong("FromAtomId", r.fromAtom()).setLong("ToAtomId", r.toAtom())
                .setString("EmbeddingType", r.embeddingType()).setInt("K", r.k())
                .setString("Metric", r.metric().name().toLowerCase(Locale.ROOT))
                .setInt("MaxExpanded", r.maxExpanded())
                .setString("Heuristic", r.heuristic().wireName()), rs -> new PathRow(rs.getInt("Ordinal"),
                (Long) rs.getObject("AtomId", Long.class), (Double) rs.getObject("Cost", Double.class),
                rs.getBoolean("Found"), rs.getLong("Expanded"), rs.getBoolean("Exhausted"),
                rs.getString("Heuristic")));
        if (rows.isEmpty()) {
            throw new StorageException(Procedures.GENERATE_OPTIMAL_PATH.name() + " returned no row");
        }
        PathRow first = rows.getFirst();
        PathHeuristic heuristic = PathHeuristic.valueOf(first.heuristic().toUpperCase(Locale.ROOT));
        if (!first.found()) {
            return new PathResult(false, List.of(), List.of(), first.expanded(), heuristic, first.exhausted());
        }
        return new PathResult(true, rows.stream().map(PathRow::atomId).toList(),
                rows.stream().map(PathRow::cost).toList(), first.expanded(), heuristic, false);
    }

    /** A row of dbo.sp_GenerateWithAttention: one candidate of one step. */
    record CandidateRow(int step, double draw, long atomId, double similarity, double weight, boolean chosen,
                        double logProbability) {
    }

    @Override
    public GenerationResult generate(GenerationRequest r, Consumer<GenerationStep> onStep) {
        List<CandidateRow> rows = session.list(Procedures.GENERATE_WITH_ATTENTION, call -> call
                .setString("Context", r.context() == null ? null : json(r.context()))
                .setLongOrNull("ContextAtomId", r.contextAtom())
                .setString("EmbeddingType", r.embeddingType()).setInt("Steps", r.steps()).setInt("K", r.k())
                .setDouble("Temperature", r.temperature()).setLong("Seed", r.seed())
                .setString("Metric", r.metric().name().toLowerCase(Locale.ROOT)), SqlServerReasoningStore::row);
        List<GenerationStep> steps = steps(rows);
        steps.forEach(onStep);
        return new GenerationResult(steps);
    }

    /** The rows (by step, then ordinal) grouped into steps; each step has exactly one chosen candidate. */
    static List<GenerationStep> steps(List<CandidateRow> rows) {
        List<GenerationStep> steps = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < rows.size(); i++) {
            CandidateRow row = rows.get(i);
            if (i + 1 < rows.size() && rows.get(i + 1).step() == row.step()) {
                continue;
            }
            List<CandidateRow> group = rows.subList(from, i + 1);
            List<CandidateRow> chosen = group.stream().filter(CandidateRow::chosen).toList();
            if (chosen.size() != 1) {
                throw new StorageException("step " + row.step() + " of " + Procedures.GENERATE_WITH_ATTENTION.name()
                        + " has " + chosen.size() + " chosen candidates");
            }
            steps.add(new GenerationStep(row.step(), chosen.getFirst().atomId(), chosen.getFirst().logProbability(),
                    row.draw(), group.stream().map(g -> new Candidate(g.atomId(), g.similarity(), g.weight()))
                    .toList()));
            from = i + 1;
        }
        return steps;
    }

    private static CandidateRow row(ResultSet rs) throws SQLException {
        return new CandidateRow(rs.getInt("Step"), rs.getDouble("Draw"), rs.getLong("AtomId"),
                rs.getDouble("Similarity"), rs.getDouble("Weight"), rs.getBoolean("Chosen"),
                rs.getDouble("LogProbability"));
    }

    /** The context as the JSON array of 1998 numbers the procedure casts to VECTOR(1998). */
    static String json(float[] vector) {
        float[] padded = EmbeddingVector.padded(vector);
        StringBuilder json = new StringBuilder(padded.length * 12).append('[');
        for (int i = 0; i < padded.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(padded[i]);
        }
        return json.append(']').toString();
    }
}
