package io.hartonomous.ingest.atomize.image;

import io.hartonomous.ingest.detect.BadInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A PNG's chunk structure, walked and checked by hand before ImageIO sees the file: every chunk's length and CRC, IHDR
 * first with legal fields, PLTE where required, IDAT present and contiguous, IEND last. ImageIO silently accepts some
 * of these faults (a wrong IHDR or IDAT CRC), and the IHDR gives the exact bit depth and colour type for metadata.
 */
record PngStructure(int width, int height, int bitDepth, int colourType, boolean interlaced, boolean hasTrns,
                    int trnsGray) {

    static PngStructure read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 8;
            PngStructure header = null;
            boolean plte = false;
            boolean trns = false;
            int trnsGray = -1;
            boolean idat = false;
            boolean idatEnded = false;
            boolean iend = false;
            CRC32 crc = new CRC32();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            while (!iend) {
                if (pos + 12 > size) {
                    throw bad("the file ends inside a chunk header at byte " + pos + " (no IEND chunk)");
                }
                ByteBuffer head = ByteBuffer.allocate(8);
                readFully(ch, head, pos);
                long length = head.getInt(0) & 0xFFFFFFFFL;
                byte[] typeBytes = new byte[4];
                head.get(4, typeBytes);
                String type = new String(typeBytes, StandardCharsets.ISO_8859_1);
                if (length > 0x7FFFFFFFL) {
                    throw bad("chunk " + printable(type) + " declares " + length + " bytes, more than PNG allows");
                }
                if (!type.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                    throw bad("invalid chunk type " + printable(type) + " at byte " + pos);
                }
                if (pos + 12 + length > size) {
                    throw bad("chunk " + type + " at byte " + pos + " declares " + length
                            + " bytes but the file ends first (truncated)");
                }
                crc.reset();
                crc.update(typeBytes);
                byte[] ihdr = null; // first bytes of IHDR or tRNS, kept for parsing
                for (long done = 0; done < length; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), length - done));
                    readFully(ch, buf, pos + 8 + done);
                    buf.flip();
                    if ((type.equals("IHDR") || type.equals("tRNS")) && ihdr == null) {
                        ihdr = new byte[buf.remaining()];
                        buf.duplicate().get(ihdr);
                    }
                    done += buf.remaining();
                    crc.update(buf);
                }
                ByteBuffer stored = ByteBuffer.allocate(4);
                readFully(ch, stored, pos + 8 + length);
                if ((stored.getInt(0) & 0xFFFFFFFFL) != crc.getValue()) {
                    throw bad("chunk " + type + " at byte " + pos + " has a wrong CRC (corrupt data)");
                }
                if (header == null && !type.equals("IHDR")) {
                    throw bad("the first chunk is " + type + ", not IHDR");
                }
                switch (type) {
                    case "IHDR" -> {
                        if (header != null) {
                            throw bad("more than one IHDR chunk");
                        }
                        if (length != 13) {
                            throw bad("IHDR has " + length + " bytes instead of 13");
                        }
                        header = parseHeader(ByteBuffer.wrap(ihdr));
                    }
                    case "PLTE" -> {
                        if (idat) {
                            throw bad("PLTE after IDAT");
                        }
                        if (length % 3 != 0 || length == 0 || length / 3 > 256) {
                            throw bad("PLTE has " + length + " bytes, not 3 per entry for 1..256 entries");
                        }
                        plte = true;
                    }
                    case "tRNS" -> {
                        trns = true;
                        if (header != null && header.colourType == 0 && length == 2) {
                            trnsGray = (ihdr[0] & 0xFF) << 8 | ihdr[1] & 0xFF; // the gray sample, at the bit depth
                        }
                    }
                    case "IDAT" -> {
                        if (idatEnded) {
                            throw bad("IDAT chunks are not consecutive");
                        }
                        idat = true;
                    }
                    case "IEND" -> iend = true;
                    default -> {
                        if (Character.isUpperCase(type.charAt(0))) {
                            throw bad("unknown critical chunk " + type);
                        }
                    }
                }
                if (idat && !type.equals("IDAT")) {
                    idatEnded = true;
                }
                pos += 12 + length;
            }
            if (!idat) {
                throw bad("the file has no IDAT chunk (no image data)");
            }
            if (header.colourType == 3 && !plte) {
                throw bad("a palette image (colour type 3) without a PLTE chunk");
            }
            return new PngStructure(header.width, header.height, header.bitDepth, header.colourType,
                    header.interlaced, trns, trnsGray);
        }
    }

    private static PngStructure parseHeader(ByteBuffer b) {
        long width = b.getInt(0) & 0xFFFFFFFFL;
        long height = b.getInt(4) & 0xFFFFFFFFL;
        int depth = b.get(8) & 0xFF;
        int colour = b.get(9) & 0xFF;
        int compression = b.get(10) & 0xFF;
        int filter = b.get(11) & 0xFF;
        int interlace = b.get(12) & 0xFF;
        if (width == 0 || height == 0 || width > 0x7FFFFFFFL || height > 0x7FFFFFFFL) {
            throw bad("invalid image size " + width + "x" + height + " in IHDR");
        }
        boolean legal = switch (colour) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case 2, 4, 6 -> depth == 8 || depth == 16;
            default -> throw bad("invalid colour type " + colour + " in IHDR (legal: 0, 2, 3, 4, 6)");
        };
        if (!legal) {
            throw bad("bit depth " + depth + " is not allowed for colour type " + colour);
        }
        if (compression != 0 || filter != 0 || interlace > 1) {
            throw bad("invalid compression/filter/interlace method " + compression + "/" + filter + "/"
                    + interlace + " in IHDR");
        }
        return new PngStructure((int) width, (int) height, depth, colour, interlace == 1, false, -1);
    }

    String colourTypeName() {
        return switch (colourType) {
            case 0 -> "gray";
            case 2 -> "rgb";
            case 3 -> "palette";
            case 4 -> "gray-alpha";
            default -> "rgba";
        };
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, at + b.position());
            if (n < 0) {
                throw bad("unexpected end of file");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            out.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return out.append('\'').toString();
    }

    private static BadInputException bad(String detail) {
        return new BadInputException("invalid PNG: " + detail);
    }
}
