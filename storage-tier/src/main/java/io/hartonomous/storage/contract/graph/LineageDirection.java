package io.hartonomous.storage.contract.graph;

/** DOWNSTREAM follows edges from→to (what was made from it); UPSTREAM follows them back (what it came from). */
public enum LineageDirection {
    DOWNSTREAM, UPSTREAM, BOTH
}
