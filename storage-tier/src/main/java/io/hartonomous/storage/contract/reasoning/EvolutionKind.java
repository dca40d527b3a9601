package io.hartonomous.storage.contract.reasoning;

/**
 * How a generation's concepts relate to the previous generation's, by shared members: KEPT (one to one), SPLIT (an
 * old concept's members went to several new ones), MERGED (a new concept took members of several old ones), NEW (a
 * new concept shares no member), GONE (an old concept's members are in no new concept).
 */
public enum EvolutionKind {
    KEPT, SPLIT, MERGED, NEW, GONE
}
