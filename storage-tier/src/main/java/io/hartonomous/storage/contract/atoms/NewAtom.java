package io.hartonomous.storage.contract.atoms;

/** A leaf value to upsert. The hash is computed by the caller (the ingest tier hashes only distinct values). */
public record NewAtom(ContentHash contentHash, AtomType type, byte[] value) {
    public static final int MAX_VALUE_BYTES = 64;

    public NewAtom {
        if (contentHash == null || type == null || value == null) {
            throw new IllegalArgumentException("hash, type and value are required");
        }
        if (type.isFile()) {
            throw new IllegalArgumentException("a leaf atom cannot have the parent subtype 'file'");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("an atom value is at most 64 bytes, got " + value.length);
        }
    }

    /** Computes the typed hash itself; convenient where values are few. */
    public static NewAtom of(AtomType type, byte[] value) {
        return new NewAtom(ContentHash.of(type, value), type, value);
    }
}
