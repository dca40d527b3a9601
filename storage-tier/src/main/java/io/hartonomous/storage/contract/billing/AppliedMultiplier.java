package io.hartonomous.storage.contract.billing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A multiplier as it was applied to a recorded use: a copy, so a statement shows the price of the day even after the
 * plan changed. Stored in the ledger as text ({@link #encode}: {@code id kind criteria factor}, entries joined by
 * {@code ;}); ids and criteria contain neither spaces nor {@code ;}.
 */
public record AppliedMultiplier(String id, MultiplierKind kind, String criteria, BigDecimal factor) {
    public static String encode(List<AppliedMultiplier> applied) {
        if (applied.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>(applied.size());
        for (AppliedMultiplier m : applied) {
            parts.add(m.id + " " + m.kind.wireName() + " " + m.criteria + " " + m.factor.toPlainString());
        }
        return String.join(";", parts);
    }

    public static List<AppliedMultiplier> decode(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<AppliedMultiplier> applied = new ArrayList<>();
        for (String part : text.split(";")) {
            String[] f = part.split(" ");
            if (f.length != 4) {
                throw new IllegalStateException("unreadable multipliers in the ledger: '" + text + "'");
            }
            applied.add(new AppliedMultiplier(f[0], MultiplierKind.parse(f[1]), f[2], new BigDecimal(f[3])));
        }
        return List.copyOf(applied);
    }
}
