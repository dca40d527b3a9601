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

/**
 * Turns a chunk's canonical value keys into its distinct atoms and per-row ordinals. Keys are the value's
 * little-endian bits widened to int/long (see {@link #valueBytes}); only a chunk's distinct values are hashed. Hashes
 * are not remembered across chunks: with the CPU's SHA extensions, which the JDK's SHA-256 uses, hashing a value of a
 * few bytes again is cheaper than looking it up in a memo shared by the threads that atomize chunks at once (measured:
 * a ConcurrentHashMap memo made image chunks about 2.5x slower than hashing every chunk's distinct values; see
 * docs/decisions.md, "Parallel atomizing"). Stateless: any number of threads call it at once.
 */
public final class ChunkAssembler {
    private ChunkAssembler() {
    }

    /** Distinct atoms of a chunk and, per row, the index of its atom in {@code atoms}. */
    public record Distinct(List<NewAtom> atoms, int[] ordinals) {
    }

    public static Distinct distinct(AtomType type, int[] keys, int count) {
        DistinctInts d = DistinctKernels.distinct(keys, 0, count);
        Hasher hasher = new Hasher(type);
        List<NewAtom> atoms = new ArrayList<>(d.distinctCount());
        for (int i = 0; i < d.distinctCount(); i++) {
            atoms.add(hasher.atom(d.values()[i] & 0xFFFFFFFFL));
        }
        return new Distinct(atoms, d.ordinals());
    }

    public static Distinct distinct(AtomType type, long[] keys, int count) {
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
    public static Distinct distinct(List<AtomType> types, byte[] typeOf, long[] keys, int count) {
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
     * One chunk's hashing of one type, on the calling thread: the typed header and the value width are looked up once
     * and one digest serves every value. The hash is {@link ContentHash#of}'s, SHA-256(header || value).
     */
    private static final class Hasher {
        private final AtomType type;
        private final int width;
        private final byte[] message;
        private final int valueAt;
        private final byte[] hash = new byte[ContentHash.BYTES];
        private final MessageDigest digest;

        Hasher(AtomType type) {
            this.type = type;
            this.width = type.valueBytes();
            byte[] header = type.hashHeader();
            this.message = java.util.Arrays.copyOf(header, header.length + width);
            this.valueAt = header.length;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
        }

        NewAtom atom(long key) {
            byte[] value = valueBytes(key, width);
            System.arraycopy(value, 0, message, valueAt, width);
            digest.update(message);
            try {
                digest.digest(hash, 0, hash.length);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            return new NewAtom(ContentHash.wrap(hash), type, value);
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
