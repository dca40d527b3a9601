package io.hartonomous.ingest.atomize;

import io.hartonomous.kernels.DistinctInts;
import io.hartonomous.kernels.DistinctKernels;
import io.hartonomous.kernels.DistinctLongs;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.NewAtom;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a chunk's canonical value keys into its distinct atoms and per-row ordinals. Keys are the value's
 * little-endian bits widened to int/long (see {@link #valueBytes}); only distinct values are hashed, and hashes are
 * remembered across the chunks of one file (bounded) because neighbouring chunks share most values.
 */
public final class ChunkAssembler {
    private static final int CACHE_LIMIT = 1 << 20;

    /** Distinct atoms of a chunk and, per row, the index of its atom in {@code atoms}. */
    public record Distinct(List<NewAtom> atoms, int[] ordinals) {
    }

    private final Map<AtomType, Map<Long, ContentHash>> hashes = new HashMap<>();
    private int cached;

    public Distinct distinct(AtomType type, int[] keys, int count) {
        DistinctInts d = DistinctKernels.distinct(keys, 0, count);
        List<NewAtom> atoms = new ArrayList<>(d.distinctCount());
        for (int i = 0; i < d.distinctCount(); i++) {
            atoms.add(atom(type, d.values()[i] & 0xFFFFFFFFL));
        }
        return new Distinct(atoms, d.ordinals());
    }

    public Distinct distinct(AtomType type, long[] keys, int count) {
        DistinctLongs d = DistinctKernels.distinct(keys, 0, count);
        List<NewAtom> atoms = new ArrayList<>(d.distinctCount());
        for (int i = 0; i < d.distinctCount(); i++) {
            atoms.add(atom(type, d.values()[i]));
        }
        return new Distinct(atoms, d.ordinals());
    }

    /**
     * Rows of several types in one chunk (a chunk spanning tensors): {@code typeOf[i]} indexes {@code types}. Atoms are
     * distinct per type; the atom list holds each type's atoms in the order the types first occur.
     */
    public Distinct distinct(List<AtomType> types, byte[] typeOf, long[] keys, int count) {
        if (types.size() == 1) {
            return distinct(types.getFirst(), keys, count);
        }
        List<NewAtom> atoms = new ArrayList<>();
        int[] ordinals = new int[count];
        long[] subset = new long[count];
        int[] rows = new int[count];
        for (int t = 0; t < types.size(); t++) {
            int n = 0;
            for (int i = 0; i < count; i++) {
                if (typeOf[i] == t) {
                    rows[n] = i;
                    subset[n++] = keys[i];
                }
            }
            if (n == 0) {
                continue;
            }
            Distinct d = distinct(types.get(t), subset, n);
            int base = atoms.size();
            atoms.addAll(d.atoms());
            for (int j = 0; j < n; j++) {
                ordinals[rows[j]] = base + d.ordinals()[j];
            }
        }
        return new Distinct(atoms, ordinals);
    }

    private NewAtom atom(AtomType type, long key) {
        byte[] value = valueBytes(key, type.valueBytes());
        Map<Long, ContentHash> forType = hashes.computeIfAbsent(type, t -> new HashMap<>());
        ContentHash hash = forType.get(key);
        if (hash == null) {
            hash = ContentHash.of(type, value);
            if (cached >= CACHE_LIMIT) {
                hashes.values().forEach(Map::clear);
                cached = 0;
            }
            forType.put(key, hash);
            cached++;
        }
        return new NewAtom(hash, type, value);
    }

    /** The canonical value: the key's low {@code n} bytes, little-endian. */
    public static byte[] valueBytes(long key, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (key >>> (8 * i));
        }
        return b;
    }
}
