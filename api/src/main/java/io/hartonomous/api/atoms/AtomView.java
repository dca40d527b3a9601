package io.hartonomous.api.atoms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.contract.atoms.Atom;

import java.time.Instant;
import java.util.HexFormat;

/**
 * An atom as the API shows it: leaf atoms with their canonical value (hex, little-endian), parent atoms (files)
 * with their metadata as JSON.
 */
public record AtomView(long atomId, String contentHash, String type, String modality, String subtype, boolean file,
                       String value, JsonNode metadata, long referenceCount, Instant createdAt) {

    public static AtomView of(Atom atom, ObjectMapper json) {
        return new AtomView(atom.atomId(), atom.contentHash().hex(), atom.type().toString(),
                atom.type().modality().wireName(), atom.type().subtype(), atom.type().isFile(),
                atom.atomicValue() == null ? null : HexFormat.of().formatHex(atom.atomicValue()),
                metadata(atom.metadataJson(), json), atom.referenceCount(), atom.createdAt());
    }

    /** The metadata parsed, or as a JSON string when it is not valid JSON. */
    static JsonNode metadata(String text, ObjectMapper json) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            return json.getNodeFactory().textNode(text);
        }
    }
}
