package io.hartonomous.benchmarks.ingest;

import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.ChunkSink;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The rows a file becomes, collected in memory once, so the raw insert writes exactly what the pipeline writes. */
record RawRows(String metadataJson, NewModel model, List<Chunk> chunks) {

    static RawRows of(Path file, int chunkRows) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        NewModel[] model = new NewModel[1];
        try (AtomizedFile atomized = Atomizers.open(file, null, IngestLimits.DEFAULT, chunkRows)) {
            atomized.emit(0, new ChunkSink() {
                @Override
                public void model(NewModel m) {
                    model[0] = m;
                }

                @Override
                public void chunk(Chunk chunk) {
                    chunks.add(chunk);
                }
            });
            return new RawRows(atomized.metadataJson(), model[0], List.copyOf(chunks));
        }
    }

    /**
     * How far the streaming raw insert got: all {@code rows} in {@code ms}, or (not {@code complete}) the rows it
     * wrote before its time ran out.
     */
    record Streamed(double ms, long rows, boolean complete) {
        /**
         * A lower bound of the time the whole file takes, for {@code totalRows}: the row table only slows down as it
         * grows, so the rows left take at least as long each as the rows so far did on average.
         */
        double atLeastMs(long totalRows) {
            return complete || rows == 0 ? ms : ms * totalRows / rows;
        }
    }

    /**
     * The file's rows straight into {@link RawInsert.Writer}, a chunk at a time (memory bounded by a chunk): the
     * row-per-position floor for files too large to hold as {@link RawRows}. Stops after the chunk during which
     * {@code budgetMs} ran out (the old model's floor on a 100 M-weight file takes hours).
     */
    static Streamed insertStreaming(Path file, int chunkRows, java.sql.Connection c, double budgetMs)
            throws IOException {
        long t0 = System.nanoTime();
        RawInsert.Writer[] writer = new RawInsert.Writer[1];
        long[] rows = new long[1];
        boolean complete = true;
        try (AtomizedFile atomized = Atomizers.open(file, null, IngestLimits.DEFAULT, chunkRows)) {
            atomized.emit(0, new ChunkSink() {
                @Override
                public void model(NewModel m) throws IOException {
                    // Models.Name is NOT NULL: a file whose header names no model is named by its file here.
                    NewModel named = m.name() != null ? m : new NewModel(file.getFileName().toString(), m.format(),
                            m.metadataJson(), m.layers(), m.structure());
                    writer[0] = open(c, atomized.metadataJson(), named);
                }

                @Override
                public void chunk(Chunk chunk) throws IOException {
                    if (writer[0] == null) {
                        writer[0] = open(c, atomized.metadataJson(), null);
                    }
                    try {
                        writer[0].chunk(chunk);
                    } catch (java.sql.SQLException e) {
                        throw new IOException("raw insert failed", e);
                    }
                    rows[0] += chunk.compositions().size() + chunk.coefficients().size();
                    if ((System.nanoTime() - t0) / 1e6 > budgetMs) {
                        throw new OutOfTime();
                    }
                }
            });
            if (writer[0] != null) {
                writer[0].close();
            }
        } catch (OutOfTime e) {
            complete = false;
        } catch (java.sql.SQLException e) {
            throw new IOException("raw insert failed", e);
        }
        return new Streamed((System.nanoTime() - t0) / 1e6, rows[0], complete);
    }

    /** Ends the emission when the streaming insert's budget is spent. */
    private static final class OutOfTime extends RuntimeException {
        OutOfTime() {
            super(null, null, false, false);
        }
    }

    private static RawInsert.Writer open(java.sql.Connection c, String metadataJson, NewModel model)
            throws IOException {
        try {
            return new RawInsert.Writer(c, metadataJson, model);
        } catch (java.sql.SQLException e) {
            throw new IOException("raw insert failed", e);
        }
    }

    long rows() {
        return chunks.stream().mapToLong(c -> c.compositions().size() + c.coefficients().size()).sum();
    }
}
