package io.hartonomous.ingest.atomize;

import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chunks captured in memory, for files too large to push through H2 in a quick test: reassembles values from each
 * chunk's distinct atoms and ordinals, and checks the chunk invariants (distinct atoms, hashes, row counts).
 */
public final class Captured implements ChunkSink {
    public final List<Chunk> chunks = new ArrayList<>();
    public NewModel model;
    private final boolean keep;
    private final List<byte[]> composed = new ArrayList<>();
    private final List<List<byte[]>> tensorValues = new ArrayList<>();

    public Captured(boolean keepChunks) {
        this.keep = keepChunks;
    }

    @Override
    public void model(NewModel m) {
        this.model = m;
    }

    @Override
    public void chunk(Chunk chunk) {
        Set<String> seen = new HashSet<>();
        for (NewAtom a : chunk.atoms()) {
            assertThat(seen.add(a.type() + "/" + a.contentHash().hex())).as("atoms of a chunk are distinct").isTrue();
        }
        CompositionBatch c = chunk.compositions();
        for (int i = 0; i < c.size(); i++) {
            composed.add(chunk.atoms().get(c.atomOrdinal()[i]).value());
        }
        CoefficientBatch k = chunk.coefficients();
        for (int i = 0; i < k.size(); i++) {
            int layer = k.layerIdx()[i];
            while (tensorValues.size() <= layer) {
                tensorValues.add(new ArrayList<>());
            }
            tensorValues.get(layer).add(chunk.atoms().get(k.atomOrdinal()[i]).value());
        }
        if (keep) {
            chunks.add(chunk);
        }
    }

    public byte[] composedBytes() {
        return concat(composed);
    }

    /** Values of one tensor in emission order (row-major). */
    public byte[] tensorBytes(int layer) {
        return layer < tensorValues.size() ? concat(tensorValues.get(layer)) : new byte[0];
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public static Captured emit(AtomizedFile f, int fromChunk, boolean keepChunks) throws IOException {
        return emit(f, fromChunk, keepChunks, ChunkEmitter.SEQUENTIAL);
    }

    public static Captured emit(AtomizedFile f, int fromChunk, boolean keepChunks, ChunkEmitter emitter)
            throws IOException {
        Captured c = new Captured(keepChunks);
        emitter.emit(f, fromChunk, c, "atomize-captured");
        return c;
    }
}
