package io.hartonomous.storage.contract.vectors;

/** {@code HYBRID}: spatial candidates on the projected point, then exact rerank. {@code EXACT}: full scan. */
public enum SearchMode {
    HYBRID, EXACT
}
