package io.hartonomous.ingest.atomize.audio;

import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.UnsupportedFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The header facts of a RIFF/WAVE or RF64/BW64 file, parsed by hand: javax.sound handles neither RF64 nor every
 * WAVE_FORMAT_EXTENSIBLE layout. Chunks are word-aligned (odd sizes are followed by a pad byte). In RF64 the ds64 chunk
 * carries the 64-bit RIFF and data sizes that the 32-bit fields mark with 0xFFFFFFFF.
 */
record WavFormat(boolean rf64, int formatTag, boolean extensible, int channels, long sampleRate, int blockAlign,
                 int bitsPerSample, int validBits, long channelMask, boolean floating, int bytesPerSample,
                 long dataOffset, long dataBytes) {

    static final int PCM = 1;
    static final int IEEE_FLOAT = 3;
    static final int EXTENSIBLE = 0xFFFE;
    private static final byte[] GUID_TAIL = {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00,
            0x38, (byte) 0x9B, 0x71};
    private static final long MARKER = 0xFFFFFFFFL;

    long frames() {
        return dataBytes / blockAlign;
    }

    String subtype() {
        if (floating) {
            return bytesPerSample == 4 ? "float32" : "float64";
        }
        return "pcm" + 8 * bytesPerSample;
    }

    static WavFormat read(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer riff = read(ch, 0, 12, size, "RIFF header");
        String magic = ascii(riff, 0);
        boolean rf64 = magic.equals("RF64") || magic.equals("BW64");
        long pos = 12;
        long ds64Data = -1;
        ByteBuffer fmt = null;
        while (true) {
            if (pos + 8 > size) {
                throw bad(fmt == null ? "the file has no fmt chunk" : "the file has no data chunk");
            }
            ByteBuffer head = read(ch, pos, 8, size, "chunk header");
            String id = ascii(head, 0);
            long chunkSize = head.getInt(4) & 0xFFFFFFFFL;
            long body = pos + 8;
            if (rf64 && pos == 12) {
                if (!id.equals("ds64")) {
                    throw bad("an RF64 file must start with a ds64 chunk, found '" + id + "'");
                }
                if (chunkSize < 28) {
                    throw bad("the ds64 chunk has " + chunkSize + " bytes, fewer than 28");
                }
                ByteBuffer ds64 = read(ch, body, 28, size, "ds64 chunk");
                ds64Data = ds64.getLong(8);
                if (ds64Data < 0) {
                    throw bad("the ds64 data size is negative");
                }
            }
            if (id.equals("fmt ")) {
                if (chunkSize < 16 || chunkSize > 4096) {
                    throw bad("the fmt chunk has " + chunkSize + " bytes (expected 16 to 40)");
                }
                fmt = read(ch, body, (int) chunkSize, size, "fmt chunk");
            } else if (id.equals("data")) {
                if (fmt == null) {
                    throw bad("the data chunk comes before the fmt chunk");
                }
                long dataBytes = chunkSize;
                if (rf64 && chunkSize == MARKER) {
                    if (ds64Data < 0) {
                        throw bad("the data chunk size is 0xFFFFFFFF but there is no ds64 chunk");
                    }
                    dataBytes = ds64Data;
                }
                if (body + dataBytes > size) {
                    throw bad("the data chunk declares " + dataBytes + " bytes but only " + (size - body)
                            + " follow (truncated file)");
                }
                return fromFmt(fmt, rf64, body, dataBytes);
            }
            if (rf64 && chunkSize == MARKER) {
                throw bad("chunk '" + id + "' uses a 64-bit size, which only the data chunk may use here");
            }
            pos = body + chunkSize + (chunkSize & 1);
        }
    }

    private static WavFormat fromFmt(ByteBuffer f, boolean rf64, long dataOffset, long dataBytes) {
        int tag = f.getShort(0) & 0xFFFF;
        int channels = f.getShort(2) & 0xFFFF;
        long rate = f.getInt(4) & 0xFFFFFFFFL;
        int blockAlign = f.getShort(12) & 0xFFFF;
        int bits = f.getShort(14) & 0xFFFF;
        boolean extensible = tag == EXTENSIBLE;
        int validBits = bits;
        long mask = 0;
        int encoding = tag;
        if (extensible) {
            if (f.capacity() < 40 || (f.getShort(16) & 0xFFFF) < 22) {
                throw bad("WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk with cbSize 22");
            }
            validBits = f.getShort(18) & 0xFFFF;
            mask = f.getInt(20) & 0xFFFFFFFFL;
            encoding = f.getShort(24) & 0xFFFF;
            boolean standardGuid = (f.getShort(26) & 0xFFFF) == 0;
            for (int i = 0; i < GUID_TAIL.length; i++) {
                standardGuid &= f.get(28 + i) == GUID_TAIL[i];
            }
            if (!standardGuid) {
                throw new UnsupportedFormatException("WAV sub-format GUID is not a standard PCM/float GUID");
            }
        }
        if (encoding != PCM && encoding != IEEE_FLOAT) {
            throw new UnsupportedFormatException("WAV encoding " + encodingName(encoding)
                    + " is not supported (PCM and IEEE float are)");
        }
        if (channels < 1 || channels > 8) {
            throw new UnsupportedFormatException("WAV with " + channels + " channels is not supported (1 to 8)");
        }
        if (rate < 1) {
            throw bad("the sample rate is 0");
        }
        if (blockAlign == 0 || blockAlign % channels != 0) {
            throw bad("block align " + blockAlign + " is not a multiple of " + channels + " channels");
        }
        int container = blockAlign / channels;
        boolean floating = encoding == IEEE_FLOAT;
        if (floating ? container != 4 && container != 8 : container < 1 || container > 4) {
            throw new UnsupportedFormatException("WAV " + (floating ? "float" : "PCM") + " samples of " + container
                    + " bytes are not supported");
        }
        if (bits == 0 || bits > 8 * container || (!extensible && (bits + 7) / 8 != container)) {
            throw bad("bits per sample " + bits + " do not match block align " + blockAlign + " for " + channels
                    + " channels");
        }
        if (floating && bits != 8 * container) {
            throw bad("float samples must use their whole " + container + "-byte container");
        }
        if (validBits == 0 || validBits > bits) {
            throw bad("valid bits per sample " + validBits + " exceed the container's " + bits);
        }
        if (dataBytes % blockAlign != 0) {
            throw bad("the data chunk has " + dataBytes + " bytes, not a whole number of " + blockAlign
                    + "-byte frames (truncated file)");
        }
        return new WavFormat(rf64, tag, extensible, channels, rate, blockAlign, bits, validBits, mask, floating,
                container, dataOffset, dataBytes);
    }

    private static String encodingName(int tag) {
        return switch (tag) {
            case 2 -> "MS ADPCM";
            case 6 -> "A-law";
            case 7 -> "µ-law";
            case 0x11 -> "IMA ADPCM";
            case 0x55 -> "MP3";
            default -> String.format("0x%04X", tag);
        };
    }

    private static ByteBuffer read(FileChannel ch, long at, int n, long size, String what) throws IOException {
        if (at + n > size) {
            throw bad("the file ends inside the " + what + " (truncated file)");
        }
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw bad("the file ends inside the " + what + " (truncated file)");
            }
        }
        return b.flip();
    }

    private static String ascii(ByteBuffer b, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            int v = b.get(at + i) & 0xFF;
            c[i] = v >= 32 && v < 127 ? (char) v : '?';
        }
        return new String(c);
    }

    private static BadInputException bad(String detail) {
        return new BadInputException("invalid WAV: " + detail);
    }
}
