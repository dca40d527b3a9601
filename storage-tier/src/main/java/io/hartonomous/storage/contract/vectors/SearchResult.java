package io.hartonomous.storage.contract.vectors;

import java.util.List;

/** Hits nearest first; {@code candidatesReranked} is how many exact distances were computed. */
public record SearchResult(List<SearchHit> hits, long candidatesReranked, SearchMode mode) {
    public SearchResult {
        hits = List.copyOf(hits);
    }
}
