package io.hartonomous.ingest.atomize.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A model file memory-mapped read-only through FFM (works beyond 2 GB); the mapping lives until {@link #close()}.
 * Shared arena because the pipeline may emit from another thread than the one that opened the file.
 */
public final class MappedFile implements AutoCloseable {
    public static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt LE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
    }

    public static MappedFile map(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.ofArray(new byte[0])
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(arena, seg);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads what a mapped file holds; the result owns the mapping from then on. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(MappedFile mapped) throws IOException;
    }

    /** Maps {@code file} and parses it; the mapping is released when parsing fails. */
    public static <T> T parse(Path file, Parser<T> parser) throws IOException {
        MappedFile mapped = map(file);
        try {
            return parser.parse(mapped);
        } catch (IOException | RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    public MemorySegment segment() {
        return segment;
    }

    public long size() {
        return segment.byteSize();
    }

    /** A reader of fixed-width little-endian elements starting at {@code offset}: keys are the raw bits. */
    public TensorReader raw(long offset, int elementBytes) {
        MemorySegment s = segment;
        return switch (elementBytes) {
            case 1 -> (first, count, keys, out) -> {
                for (int i = 0; i < count; i++) {
                    keys[out + i] = s.get(ValueLayout.JAVA_BYTE, offset + first + i) & 0xFFL;
                }
            };
            case 2 -> (first, count, keys, out) -> {
                long at = offset + first * 2;
                for (int i = 0; i < count; i++) {
                    keys[out + i] = s.get(LE_SHORT, at + 2L * i) & 0xFFFFL;
                }
            };
            case 4 -> (first, count, keys, out) -> {
                long at = offset + first * 4;
                for (int i = 0; i < count; i++) {
                    keys[out + i] = s.get(LE_INT, at + 4L * i) & 0xFFFFFFFFL;
                }
            };
            case 8 -> (first, count, keys, out) -> {
                long at = offset + first * 8;
                for (int i = 0; i < count; i++) {
                    keys[out + i] = s.get(LE_LONG, at + 8L * i);
                }
            };
            default -> throw new IllegalArgumentException("no " + elementBytes + "-byte elements");
        };
    }

    @Override
    public void close() {
        arena.close();
    }
}
