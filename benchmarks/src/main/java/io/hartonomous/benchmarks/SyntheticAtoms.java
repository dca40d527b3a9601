package io.hartonomous.benchmarks;

import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.NewJob;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Distinct leaf atoms written through the real ingest contract, for benchmarks that need many atoms to search. */
public final class SyntheticAtoms {
    private static final int ATOMS_PER_CHUNK = 20_000;

    private SyntheticAtoms() {
    }

    /**
     * n distinct rgba8 pixel atoms (values 0..n-1) of one synthetic 1-row image named {@code name}, written as one job
     * in chunks; returns their atom ids in pixel order.
     */
    public static long[] pixels(TenantStorage tenant, String name, int n) {
        AtomType rgba8 = AtomType.of(Modality.IMAGE, "rgba8");
        byte[] file = (name + " " + n).getBytes(StandardCharsets.UTF_8);
        JobStart start = tenant.ingest().startJob(new NewJob(Modality.IMAGE, name, ContentHash.of(
                AtomType.file(Modality.IMAGE), file), file.length, "{\"width\":" + n + ",\"height\":1}", null));
        int chunkIndex = 0;
        for (int from = 0; from < n; from += ATOMS_PER_CHUNK) {
            int size = Math.min(ATOMS_PER_CHUNK, n - from);
            List<NewAtom> atoms = new ArrayList<>(size);
            long[] seq = new long[size];
            long[] x = new long[size];
            int[] ord = new int[size];
            for (int i = 0; i < size; i++) {
                atoms.add(NewAtom.of(rgba8, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(from + i)
                        .array()));
                seq[i] = from + i;
                x[i] = from + i;
                ord[i] = i;
            }
            tenant.ingest().writeChunk(start.job().jobId(), new Chunk(chunkIndex++, atoms,
                    new CompositionBatch(size, seq, x, new long[size], ord), null, file.length));
        }
        tenant.ingest().completeJob(start.job().jobId(), null);
        long[] ids = new long[n];
        try (Stream<AtomComposition> rows = tenant.atoms().compositions(start.parent().atomId(), 0, n)) {
            rows.forEach(c -> ids[(int) c.sequenceIndex()] = c.componentAtomId());
        }
        return ids;
    }
}
