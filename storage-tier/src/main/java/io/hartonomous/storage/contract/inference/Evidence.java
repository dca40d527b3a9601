package io.hartonomous.storage.contract.inference;

/**
 * One thing a reasoning run weighed, written once with its record: at {@code step} (0 for a one-step run) in
 * {@code role} (e.g. {@code member}, {@code noise}, {@code candidate}), an atom and/or a concept with its
 * {@code score} (a similarity, a weight, a cost), and whether the run chose it. The evidence with {@code chosen}
 * false are the alternatives it considered and did not take.
 */
public record Evidence(int step, String role, Long atomId, Long conceptId, double score, boolean chosen) {
    public static final int MAX_ROLE = 32;

    public Evidence {
        if (step < 0 || role == null || role.isBlank() || role.length() > MAX_ROLE) {
            throw new IllegalArgumentException("evidence has a step >= 0 and a role of 1-" + MAX_ROLE
                    + " characters");
        }
        if (atomId == null && conceptId == null) {
            throw new IllegalArgumentException("evidence names an atom, a concept or both");
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("an evidence score is finite, got " + score);
        }
    }

    public static Evidence atom(int step, String role, long atomId, double score, boolean chosen) {
        return new Evidence(step, role, atomId, null, score, chosen);
    }
}
