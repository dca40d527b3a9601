package io.hartonomous.storage.contract.ooda;

import java.util.Locale;

/** Where a proposal is: waiting, decided, applied (measured by Learn), undone by Learn, or failed when applied. */
public enum ProposalState {
    PROPOSED, APPROVED, REJECTED, APPLIED, REVERTED, FAILED;

    /** Lower case, as the API writes it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
