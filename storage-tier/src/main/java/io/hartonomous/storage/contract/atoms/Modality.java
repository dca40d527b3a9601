package io.hartonomous.storage.contract.atoms;

import java.util.Locale;

/** What kind of source an atom came from. The wire name is part of every atom's content hash. */
public enum Modality {
    IMAGE, AUDIO, MODEL;

    /** Lower-case name used in hashes, JSON and the database ("image", "audio", "model"). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Modality fromWireName(String name) {
        for (Modality m : values()) {
            if (m.wireName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown modality '" + name + "' (expected image, audio or model)");
    }
}
