package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.ingest.NewJob;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Base of the storage contract suite. An engine binds the suite by extending each {@code *Contract} class (see
 * {@code EmbeddedContractTest}: one nested class per feature) and returning a ready engine from {@link #openEngine()}.
 * Tests use fresh tenants and random content, so engines may share one database between tests.
 */
public abstract class StorageContractSuite {
    protected StorageEngine engine;

    /** A ready engine (schema deployed). Called before every test; closed after it. */
    protected abstract StorageEngine openEngine() throws Exception;

    @BeforeEach
    void openStorage() throws Exception {
        engine = openEngine();
    }

    @AfterEach
    void closeStorage() {
        if (engine != null) {
            engine.close();
        }
    }

    protected static String newTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 12);
    }

    protected static final AtomType RGBA8 = AtomType.of(Modality.IMAGE, "rgba8");
    protected static final AtomType F32 = AtomType.of(Modality.MODEL, "f32");

    protected static NewAtom pixel(int rgba) {
        return NewAtom.of(RGBA8, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(rgba).array());
    }

    protected static NewAtom weight(float value) {
        return NewAtom.of(F32, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    }

    /** Distinct random pixels nobody else uses. */
    protected static List<NewAtom> randomPixels(int count) {
        List<NewAtom> atoms = new ArrayList<>(count);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        while (atoms.size() < count) {
            int v = ThreadLocalRandom.current().nextInt();
            if (seen.add(v)) {
                atoms.add(pixel(v));
            }
        }
        return atoms;
    }

    protected static ContentHash randomFileHash(Modality modality) {
        byte[] bytes = new byte[64];
        ThreadLocalRandom.current().nextBytes(bytes);
        return ContentHash.of(AtomType.file(modality), bytes);
    }

    protected static NewJob newJob(Modality modality, String name) {
        return new NewJob(modality, name, randomFileHash(modality), 1000, "{\"format\":\"test\"}", null);
    }

    /** Compositions placing {@code ordinals[i]} at sequence {@code firstSequence + i} of a {@code width}-wide image. */
    protected static CompositionBatch compositions(long firstSequence, int width, int... ordinals) {
        int n = ordinals.length;
        long[] seq = new long[n];
        long[] x = new long[n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            seq[i] = firstSequence + i;
            x[i] = seq[i] % width;
            y[i] = seq[i] / width;
        }
        return new CompositionBatch(n, seq, x, y, ordinals.clone());
    }

    protected static Chunk imageChunk(int index, List<NewAtom> atoms, long firstSequence, int... ordinals) {
        return new Chunk(index, atoms, compositions(firstSequence, 16, ordinals), null, 0);
    }

    protected static byte[] f32(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }
}
