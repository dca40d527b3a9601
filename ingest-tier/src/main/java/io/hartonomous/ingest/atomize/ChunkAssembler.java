package io.hartonomous.ingest.atomize;

import io.hartonomous.kernels.DistinctInts;
import io.hartonomous.kernels.DistinctKernels;
import io.hartonomous.kernels.DistinctLongs;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.NewAtom;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns a chunk's canonical value keys into its distinct atoms and per-row ordinals. Keys are the value's
 * little-endian bits widened to int/long (see {@link #valueBytes}); only distinct values are hashed, and hashes are
 * remembered across the chunks of one file (bounded) because neighbouring chunks share most values. One assembler
 * serves every chunk of a file, also when several threads atomize chunks at once: the memo is concurrent and only
 * ever holds a value's one true hash, so a race costs at most a hash computed twice.
 */
public final class ChunkAssembler {
    private static final int CACHE_LIMIT = 1 << 20;

    /** Distinct atoms of a chunk and, per row, the index of its atom in {@code atoms}. */
    public record Distinct(List<NewAtom> atoms, int[] ordinals) {
    }

    private final ConcurrentHashMap<AtomType, ConcurrentHashMap<Long, ContentHash>> hashes =
            new ConcurrentHashMap<>();
    private final AtomicInteger cached = new AtomicInteger();

    public Distinct distinct(AtomType type, int[] keys, int count) {
        DistinctInts d = DistinctKernels.distinct(keys, 0, count);
        Hasher hasher = new Hasher(type);
        List<NewAtom> atoms = new ArrayList<>(d.distinctCount());
        for (int i = 0; i < d.distinctCount(); i++) {
            atoms.add(hasher.atom(d.values()[i] & 0xFFFFFFFFL));
        }
        return new Distinct(atoms, d.ordinals());
    }

    public Distinct distinct(AtomType type, long[] keys, int count) {
        DistinctLongs d = DistinctKernels.distinct(keys, 0, count);
        Hasher hasher = new Hasher(type);
        List<NewAtom> atoms = new ArrayList<>(d.distinctCount());
        for (int i = 0; i < d.distinctCount(); i++) {
            atoms.add(hasher.atom(d.values()[i]));
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

    /**
     * One chunk's hashing of one type, on the calling thread: the typed header is built once and one digest is reused
     * for every value it misses in the memo. The hash is {@link ContentHash#of}'s, SHA-256(header || value).
     */
    private final class Hasher {
        private final AtomType type;
        private final ConcurrentHashMap<Long, ContentHash> memo;
        private byte[] header;
        private MessageDigest digest;

        Hasher(AtomType type) {
            this.type = type;
            this.memo = hashes.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
        }

        NewAtom atom(long key) {
            byte[] value = valueBytes(key, type.valueBytes());
            ContentHash hash = memo.get(key);
            if (hash == null) {
                hash = hash(value);
                if (cached.incrementAndGet() > CACHE_LIMIT) {
                    // bounded: start over rather than track recency (neighbouring chunks refill it at once)
                    cached.set(0);
                    hashes.values().forEach(ConcurrentHashMap::clear);
                }
                memo.put(key, hash);
            }
            return new NewAtom(hash, type, value);
        }

        private ContentHash hash(byte[] value) {
            if (digest == null) {
                header = type.hashHeader();
                try {
                    digest = MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("the JDK has no SHA-256", e);
                }
            }
            digest.update(header);
            digest.update(value);
            return ContentHash.wrap(digest.digest());
        }
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
