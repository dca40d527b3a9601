package io.hartonomous.cli;

import io.hartonomous.storage.contract.Atom;
import io.hartonomous.storage.contract.AtomType;
import io.hartonomous.storage.contract.Chunk;
import io.hartonomous.storage.contract.CompositionBatch;
import io.hartonomous.storage.contract.ContentHash;
import io.hartonomous.storage.contract.JobStart;
import io.hartonomous.storage.contract.Modality;
import io.hartonomous.storage.contract.NewAtom;
import io.hartonomous.storage.contract.NewJob;
import io.hartonomous.storage.contract.PlacedValue;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The main job on the embedded engine. Until the ingest tier and the API land it shows the storage engine
 * round-tripping atoms, and says so.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the main job on the embedded engine.")
final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("hart-demo");
        System.out.println("Hartonomous demo (storage round trip; the two-tier flow arrives with the ingest tier "
                + "and the API)");
        long started = System.nanoTime();
        try (StorageEngine engine = StorageEngines.open(StorageConfig.embeddedFile(data))) {
            TenantStorage tenant = engine.forTenant("demo");
            // A 4x2 "image" with three distinct pixel values: one atom each, eight composition rows.
            int[] pixels = {0xff0000ff, 0xff0000ff, 0xff00ff00, 0xffff0000, 0xff0000ff, 0xff00ff00, 0xff00ff00,
                    0xff0000ff};
            AtomType rgba8 = AtomType.of(Modality.IMAGE, "rgba8");
            List<Integer> distinct = Arrays.stream(pixels).boxed().distinct().toList();
            List<NewAtom> atoms = new ArrayList<>();
            for (int p : distinct) {
                atoms.add(NewAtom.of(rgba8, littleEndian(p)));
            }
            int n = pixels.length;
            long[] seq = new long[n];
            long[] x = new long[n];
            long[] y = new long[n];
            int[] ordinal = new int[n];
            for (int i = 0; i < n; i++) {
                seq[i] = i;
                x[i] = i % 4;
                y[i] = i / 4;
                ordinal[i] = distinct.indexOf(pixels[i]);
            }
            byte[] file = new byte[n * 4];
            for (int i = 0; i < n; i++) {
                System.arraycopy(littleEndian(pixels[i]), 0, file, i * 4, 4);
            }
            JobStart job = tenant.ingest().startJob(new NewJob(Modality.IMAGE, "demo.raw",
                    ContentHash.of(AtomType.file(Modality.IMAGE), file), file.length, "{\"width\":4,\"height\":2}",
                    null));
            tenant.ingest().writeChunk(job.job().jobId(), new Chunk(0, atoms, new CompositionBatch(n, seq, x, y,
                    ordinal), null, file.length));
            tenant.ingest().completeJob(job.job().jobId(), null);
            byte[] rebuilt = new byte[n * 4];
            try (Stream<PlacedValue> values = tenant.atoms().placedValues(job.parent().atomId(), 0, n)) {
                values.forEach(v -> System.arraycopy(v.value(), 0, rebuilt, (int) v.sequenceIndex() * 4, 4));
            }
            Atom parent = tenant.atoms().byId(job.parent().atomId()).orElseThrow();
            System.out.printf("  parent atom %d  %s%n", parent.atomId(), parent.contentHash());
            System.out.printf("  %d pixels -> %d distinct atoms, %d compositions%n", n, atoms.size(), n);
            System.out.printf("  reconstruction bit-exact: %s%n", Arrays.equals(file, rebuilt) ? "yes" : "NO");
            System.out.printf("  row counts: %s%n", engine.rowCounts());
            System.out.printf("  done in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            return Arrays.equals(file, rebuilt) ? 0 : 1;
        }
    }

    private static byte[] littleEndian(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
