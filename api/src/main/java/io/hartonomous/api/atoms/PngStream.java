package io.hartonomous.api.atoms;

import io.hartonomous.storage.contract.ConflictException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes an RGBA PNG (8 or 16 bits per channel, as stored) row by row: one row of pixels, the deflater's window and
 * one IDAT chunk are all it holds, whatever the image size. Rows use the Sub filter (lossless; it only changes how
 * well the rows compress).
 */
final class PngStream {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IDAT_BYTES = 1 << 16;
    /**
     * zlib's fastest level: on the 17.9 MP issue-12 photo it deflates in 2.5 s against 3.3-4.1 s at level 3, for a
     * stream 0.9 % larger (37.97 MB against 37.64 MB).
     */
    private static final int LEVEL = 1;

    private final OutputStream out;
    private final byte[] idat = new byte[IDAT_BYTES];
    private int idatLength;
    private long written;

    private PngStream(OutputStream out) {
        this.out = out;
    }

    /** Writes the whole image; returns the bytes written. */
    static long write(OutputStream out, MediaLayout.Image image, ValueRunCursor pixels) throws IOException {
        PngStream png = new PngStream(out);
        png.writeImage(image, pixels);
        return png.written;
    }

    private void writeImage(MediaLayout.Image image, ValueRunCursor pixels) throws IOException {
        out.write(SIGNATURE);
        written += SIGNATURE.length;
        byte[] header = new byte[13];
        putInt(header, 0, image.width());
        putInt(header, 4, image.height());
        header[8] = (byte) (image.sixteenBit() ? 16 : 8);
        header[9] = 6; // RGBA
        chunk("IHDR", header, header.length);

        int bpp = image.sixteenBit() ? 8 : 4;
        if (pixels.valueBytes() != bpp) {
            throw new ConflictException("an image of " + image.type() + " has " + bpp + "-byte pixels, not "
                    + pixels.valueBytes());
        }
        int rowBytes = image.width() * bpp;
        byte[] raw = new byte[rowBytes];
        byte[] filtered = new byte[rowBytes + 1];
        filtered[0] = 1; // Sub
        byte[] deflated = new byte[IDAT_BYTES];
        Deflater deflater = new Deflater(LEVEL);
        try {
            for (int y = 0; y < image.height(); y++) {
                pixels.read(raw, 0, image.width());
                if (bpp == 8) {
                    for (int c = 0; c < rowBytes; c += 2) { // uint16 little-endian in the atom, big-endian in PNG
                        byte low = raw[c];
                        raw[c] = raw[c + 1];
                        raw[c + 1] = low;
                    }
                }
                for (int i = 0; i < bpp && i < rowBytes; i++) {
                    filtered[i + 1] = raw[i];
                }
                for (int i = bpp; i < rowBytes; i++) {
                    filtered[i + 1] = (byte) (raw[i] - raw[i - bpp]);
                }
                deflater.setInput(filtered, 0, rowBytes + 1);
                while (!deflater.needsInput()) {
                    drain(deflater, deflated);
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                drain(deflater, deflated);
            }
        } finally {
            deflater.end();
        }
        flushIdat();
        chunk("IEND", new byte[0], 0);
        out.flush();
    }

    private void drain(Deflater deflater, byte[] buffer) throws IOException {
        int n = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH);
        int from = 0;
        while (n > 0) {
            int take = Math.min(n, IDAT_BYTES - idatLength);
            System.arraycopy(buffer, from, idat, idatLength, take);
            idatLength += take;
            from += take;
            n -= take;
            if (idatLength == IDAT_BYTES) {
                flushIdat();
            }
        }
    }

    private void flushIdat() throws IOException {
        if (idatLength > 0) {
            chunk("IDAT", idat, idatLength);
            idatLength = 0;
        }
    }

    private void chunk(String type, byte[] data, int length) throws IOException {
        byte[] head = new byte[8];
        putInt(head, 0, length);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, head, 4, 4);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data, 0, length);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(head);
        out.write(data, 0, length);
        out.write(tail);
        written += 12L + length;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
