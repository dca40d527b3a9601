package io.hartonomous.ingest.detect;

import io.hartonomous.storage.contract.atoms.Modality;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Recognises a file's format by its magic bytes, never by its name. Formats that are recognised but not ingested
 * (FLAC, OGG, BigTIFF, ...) and unknown content raise {@link UnsupportedFormatException} naming what was seen; a PNG
 * whose signature was damaged (e.g. by a text-mode transfer) raises {@link BadInputException}.
 */
public final class FormatDetector {
    /** How much of the file detection looks at; enough for the ONNX field walk. */
    public static final int HEAD_BYTES = 4096;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private FormatDetector() {
    }

    /**
     * Detects the format and, unless {@code expected} is null, refuses a file of another modality, naming the
     * endpoint the file belongs to.
     */
    public static DetectedFormat detect(Path file, Modality expected) throws IOException {
        DetectedFormat format = detect(file);
        if (expected != null && format.modality() != expected) {
            throw new UnsupportedFormatException("the body is " + format.name() + " ("
                    + format.modality().wireName() + "), not " + expected.wireName() + ": post it to /ingest/"
                    + format.modality().wireName());
        }
        return format;
    }

    public static DetectedFormat detect(Path file) throws IOException {
        byte[] head = new byte[HEAD_BYTES];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        return detect(head, n, Files.size(file));
    }

    /** {@code head[0, length)} is the start of a file of {@code fileSize} bytes. */
    public static DetectedFormat detect(byte[] head, int length, long fileSize) {
        if (length == 0) {
            throw new BadInputException("the file is empty");
        }
        if (startsWith(head, length, PNG_SIGNATURE)) {
            return DetectedFormat.PNG;
        }
        if (looksLikeDamagedPng(head, length)) {
            throw new BadInputException("the PNG signature is damaged (bytes " + hex(head, Math.min(length, 8))
                    + " instead of 89504e470d0a1a0a); the file was probably altered by a text-mode transfer");
        }
        if (length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return DetectedFormat.JPEG;
        }
        if (ascii(head, length, 0, "GIF87a") || ascii(head, length, 0, "GIF89a")) {
            return DetectedFormat.GIF;
        }
        if (ascii(head, length, 0, "II*\0") || ascii(head, length, 0, "MM\0*")) {
            return DetectedFormat.TIFF;
        }
        if (ascii(head, length, 0, "II+\0") || ascii(head, length, 0, "MM\0+")) {
            throw new UnsupportedFormatException("BigTIFF is not supported (only classic TIFF)");
        }
        if (ascii(head, length, 0, "BM") && length >= 18 && isBmpInfoHeaderSize(le32(head, 14))) {
            return DetectedFormat.BMP;
        }
        if (ascii(head, length, 8, "WAVE")) {
            if (ascii(head, length, 0, "RIFF")) {
                return DetectedFormat.WAV;
            }
            if (ascii(head, length, 0, "RF64") || ascii(head, length, 0, "BW64")) {
                return DetectedFormat.RF64;
            }
        }
        if (ascii(head, length, 0, "GGUF")) {
            return DetectedFormat.GGUF;
        }
        if (ascii(head, length, 0, "fLaC")) {
            throw new UnsupportedFormatException("FLAC is not supported (send WAV or RF64 PCM/float audio)");
        }
        if (ascii(head, length, 0, "OggS")) {
            throw new UnsupportedFormatException("OGG is not supported (send WAV or RF64 PCM/float audio)");
        }
        if (looksLikeSafetensors(head, length, fileSize)) {
            return DetectedFormat.SAFETENSORS;
        }
        if (looksLikeOnnx(head, length)) {
            return DetectedFormat.ONNX;
        }
        throw new UnsupportedFormatException("unrecognised file format" + knownOther(head, length)
                + " (first bytes " + hex(head, Math.min(length, 16)) + "); supported: PNG, JPEG, GIF, BMP, TIFF, WAV,"
                + " RF64, GGUF, safetensors, ONNX");
    }

    private static String knownOther(byte[] h, int n) {
        if (ascii(h, n, 0, "RIFF") && ascii(h, n, 8, "WEBP")) {
            return ": WebP";
        }
        if (ascii(h, n, 0, "RIFF") && ascii(h, n, 8, "AVI ")) {
            return ": AVI";
        }
        if (ascii(h, n, 0, "ID3") || n >= 2 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xE0) == 0xE0) {
            return ": MP3";
        }
        if (ascii(h, n, 4, "ftyp")) {
            return ": MP4/HEIF";
        }
        if (ascii(h, n, 0, "FORM") && (ascii(h, n, 8, "AIFF") || ascii(h, n, 8, "AIFC"))) {
            return ": AIFF";
        }
        if (ascii(h, n, 0, "PK\3\4")) {
            return ": ZIP";
        }
        if (ascii(h, n, 0, "%PDF")) {
            return ": PDF";
        }
        if (n >= 2 && (h[0] & 0xFF) == 0x1F && (h[1] & 0xFF) == 0x8B) {
            return ": gzip";
        }
        if (ascii(h, n, 0, "\u0093NUMPY")) {
            return ": NumPy .npy";
        }
        return "";
    }

    /** PngSuite's xs*, xcr, xlf cases: at least three of the first four signature bytes, ignoring case / bit 7. */
    private static boolean looksLikeDamagedPng(byte[] h, int n) {
        if (n < 8) {
            return false;
        }
        int hits = (h[0] & 0x7F) == 0x09 ? 1 : 0;
        for (int i = 1; i < 4; i++) {
            if (Character.toUpperCase((char) (h[i] & 0xFF)) == PNG_SIGNATURE[i]) {
                hits++;
            }
        }
        return hits >= 3;
    }

    private static boolean isBmpInfoHeaderSize(long size) {
        return size == 12 || size == 16 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108
                || size == 124;
    }

    /** An 8-byte little-endian header length that fits the file, then a JSON object. */
    private static boolean looksLikeSafetensors(byte[] h, int n, long fileSize) {
        if (n < 10 || h[8] != '{') {
            return false;
        }
        long headerLength = le32(h, 0) | le32(h, 4) << 32;
        if (headerLength < 2 || headerLength > fileSize - 8) {
            // a lying length still names the format when the rest fits; the atomizer reports it precisely
            return headerLength >= 2 && headerLength < (1L << 40) && (h[9] == '"' || h[9] == '}' || h[9] == ' ');
        }
        return h[9] == '"' || h[9] == '}' || Character.isWhitespace(h[9]);
    }

    /**
     * A protobuf ModelProto: ir_version (field 1, varint, 1..64) first, as every serializer writes fields in number
     * order, then only ModelProto fields with their declared wire types for as far as the head reaches.
     */
    private static boolean looksLikeOnnx(byte[] h, int n) {
        int[] pos = {0};
        long tag = varint(h, n, pos);
        if (tag != 0x08) {
            return false;
        }
        long irVersion = varint(h, n, pos);
        if (irVersion < 1 || irVersion > 64) {
            return false;
        }
        int fields = 1;
        while (pos[0] < n) {
            tag = varint(h, n, pos);
            if (tag < 0) {
                return fields >= 1 && pos[0] >= n - 10; // cut by the head's end
            }
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            boolean varintField = field == 1 || field == 5;
            boolean lengthField = field >= 2 && field <= 4 || field >= 6 && field <= 8 || field == 14 || field == 20
                    || field == 25;
            if (varintField && wire == 0) {
                if (varint(h, n, pos) < 0) {
                    return pos[0] >= n - 10;
                }
            } else if (lengthField && wire == 2) {
                long len = varint(h, n, pos);
                if (len < 0) {
                    return pos[0] >= n - 10;
                }
                pos[0] += (int) Math.min(len, Integer.MAX_VALUE - pos[0]);
            } else {
                return false;
            }
            fields++;
        }
        return true;
    }

    /** Reads a varint at pos[0]; -1 when it runs past {@code n} or is longer than 10 bytes. */
    private static long varint(byte[] h, int n, int[] pos) {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos[0] >= n) {
                return -1;
            }
            int b = h[pos[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] h, int n, byte[] prefix) {
        if (n < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (h[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] h, int n, int at, String text) {
        return startsWith(java.util.Arrays.copyOfRange(h, Math.min(at, n), n), Math.max(0, n - at),
                text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static long le32(byte[] h, int at) {
        return (h[at] & 0xFFL) | (h[at + 1] & 0xFFL) << 8 | (h[at + 2] & 0xFFL) << 16 | (h[at + 3] & 0xFFL) << 24;
    }

    private static String hex(byte[] h, int n) {
        return HexFormat.of().formatHex(h, 0, n);
    }
}
