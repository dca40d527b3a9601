package io.hartonomous.storage.contract.atoms;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Modality plus subtype, e.g. {@code image/rgba16}. Every multi-byte value is little-endian.
 * The subtype {@code file} marks a parent atom: a whole source file whose value is not stored.
 */
public record AtomType(Modality modality, String subtype) {

    public static final String FILE = "file";

    private static final Map<Modality, Set<String>> LEAF_SUBTYPES = Map.of(
            Modality.IMAGE, Set.of("rgba8", "rgba16"),
            Modality.AUDIO, Set.of("pcm8", "pcm16", "pcm24", "pcm32", "float32", "float64"),
            Modality.MODEL, Set.of("f32", "f16", "bf16", "f64", "i8", "i16", "i32", "i64", "u8", "bool"));

    private static final Map<String, Integer> VALUE_BYTES = Map.ofEntries(
            Map.entry("rgba8", 4), Map.entry("rgba16", 8),
            Map.entry("pcm8", 1), Map.entry("pcm16", 2), Map.entry("pcm24", 3), Map.entry("pcm32", 4),
            Map.entry("float32", 4), Map.entry("float64", 8),
            Map.entry("f32", 4), Map.entry("f16", 2), Map.entry("bf16", 2), Map.entry("f64", 8),
            Map.entry("i8", 1), Map.entry("i16", 2), Map.entry("i32", 4), Map.entry("i64", 8),
            Map.entry("u8", 1), Map.entry("bool", 1));

    public AtomType {
        if (modality == null || subtype == null) {
            throw new IllegalArgumentException("modality and subtype are required");
        }
        if (!FILE.equals(subtype) && !LEAF_SUBTYPES.get(modality).contains(subtype)) {
            throw new IllegalArgumentException("unknown subtype '" + subtype + "' for modality " + modality.wireName()
                    + " (known: " + LEAF_SUBTYPES.get(modality) + " and file)");
        }
    }

    /**
     * One instance per known type, handed out by {@link #of}, {@link #file} and {@link #parse}: readers compare the
     * type of every value they decode, and an identity comparison is what makes that free.
     */
    private static final Map<Modality, Map<String, AtomType>> CANONICAL = canonical();

    private static Map<Modality, Map<String, AtomType>> canonical() {
        Map<Modality, Map<String, AtomType>> all = new java.util.EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            Map<String, AtomType> types = new java.util.HashMap<>();
            types.put(FILE, new AtomType(m, FILE));
            for (String subtype : LEAF_SUBTYPES.getOrDefault(m, Set.of())) {
                types.put(subtype, new AtomType(m, subtype));
            }
            all.put(m, Map.copyOf(types));
        }
        return java.util.Collections.unmodifiableMap(all);
    }

    public static AtomType of(Modality modality, String subtype) {
        AtomType known = modality == null || subtype == null ? null : CANONICAL.get(modality).get(subtype);
        return known != null ? known : new AtomType(modality, subtype);
    }

    public static AtomType file(Modality modality) {
        return of(modality, FILE);
    }

    /** Parses {@code modality/subtype}. */
    public static AtomType parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("atom type '" + text + "' is not of the form modality/subtype");
        }
        return of(Modality.fromWireName(text.substring(0, slash)), text.substring(slash + 1));
    }

    public boolean isFile() {
        return FILE.equals(subtype);
    }

    /** Exact byte length of a leaf value of this type; parents have none. */
    public int valueBytes() {
        if (isFile()) {
            throw new IllegalStateException(this + " is a parent type and has no fixed value length");
        }
        return VALUE_BYTES.get(subtype);
    }

    /** The typed header hashed in front of every value: utf8(modality + "/" + subtype) || 0x00. */
    public byte[] hashHeader() {
        byte[] name = toString().getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[name.length + 1];
        System.arraycopy(name, 0, header, 0, name.length);
        return header;
    }

    @Override
    public String toString() {
        return modality.wireName() + "/" + subtype;
    }
}
