package io.hartonomous.formats.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protobuf wire-format reader over a region {@code [pos, end)} of a memory segment (a mapped file or an
 * array): tags, varints, fixed32/64 and length-delimited fields, every length checked against the region. Enough for
 * ONNX's ModelProto and TensorProto without generated code. Malformed input raises {@link OnnxFormatException}.
 */
public final class ProtoReader {
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LEN = 2;
    public static final int FIXED32 = 5;

    private final MemorySegment seg;
    private final long end;
    private long pos;

    /** Reads the message bytes {@code [pos, end)} of {@code seg}. */
    public ProtoReader(MemorySegment seg, long pos, long end) {
        this.seg = seg;
        this.end = end;
        this.pos = pos;
    }

    public boolean more() {
        return pos < end;
    }

    public long position() {
        return pos;
    }

    /** The next tag: field number << 3 | wire type. */
    public long tag() {
        long tag = varint();
        if ((tag >>> 3) == 0) {
            throw bad("field number 0 at byte " + pos);
        }
        return tag;
    }

    public long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw bad("a varint runs past its message at byte " + pos);
            }
            int b = seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw bad("a varint is longer than 10 bytes at byte " + pos);
    }

    public int fixed32() {
        need(4);
        int v = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), pos);
        pos += 4;
        return v;
    }

    public long fixed64() {
        need(8);
        long v = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), pos);
        pos += 8;
        return v;
    }

    /** A length-delimited field's payload as {start, end} absolute offsets; the reader moves past it. */
    public long[] bytes() {
        long n = varint();
        if (n < 0 || n > end - pos) {
            throw bad("a field declares " + Long.toUnsignedString(n) + " bytes but only " + (end - pos)
                    + " remain in its message (truncated or corrupt file)");
        }
        long[] range = {pos, pos + n};
        pos += n;
        return range;
    }

    /** A reader of a range {@link #bytes} returned, so that a message can be read more than once. */
    public ProtoReader at(long[] range) {
        return new ProtoReader(seg, range[0], range[1]);
    }

    public ProtoReader message() {
        long[] r = bytes();
        return new ProtoReader(seg, r[0], r[1]);
    }

    public String string() {
        long[] r = bytes();
        if (r[1] - r[0] > (1 << 20)) {
            throw bad("a string field of " + (r[1] - r[0]) + " bytes");
        }
        return new String(seg.asSlice(r[0], r[1] - r[0]).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    public void skip(int wireType) {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> {
                need(8);
                pos += 8;
            }
            case LEN -> bytes();
            case FIXED32 -> {
                need(4);
                pos += 4;
            }
            default -> throw bad("unsupported wire type " + wireType + " at byte " + pos);
        }
    }

    private void need(long n) {
        if (n > end - pos) {
            throw bad("a fixed-width field runs past its message at byte " + pos);
        }
    }

    public static OnnxFormatException bad(String detail) {
        return new OnnxFormatException("invalid ONNX: " + detail);
    }
}
