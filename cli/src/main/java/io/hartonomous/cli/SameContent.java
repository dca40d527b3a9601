package io.hartonomous.cli;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Independent checks that a reconstruction is bit-exact: they decode the original file and the API's answer with
 * the JDK's own readers, not with anything of the tiers.
 */
final class SameContent {
    private SameContent() {
    }

    /** Same size and, per pixel, the same samples (16-bit where the source has 16 bits; alpha 0xFF when absent). */
    static boolean image(byte[] original, byte[] reconstructedPng) throws IOException {
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(original));
        BufferedImage b = ImageIO.read(new ByteArrayInputStream(reconstructedPng));
        if (a == null || b == null || a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return false;
        }
        Raster ra = a.getRaster();
        Raster rb = b.getRaster();
        int bits = ra.getSampleModel().getSampleSize(0);
        if (bits == 16 && rb.getSampleModel().getSampleSize(0) == 16 && a.getColorModel().getNumComponents() == 4
                && ra.getNumBands() == rb.getNumBands()) {
            return Arrays.equals(ra.getPixels(0, 0, a.getWidth(), a.getHeight(), (int[]) null),
                    rb.getPixels(0, 0, b.getWidth(), b.getHeight(), (int[]) null));
        }
        return Arrays.equals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()));
    }

    /** The bytes of both files' {@code data} chunks are identical (the samples, bit for bit). */
    static boolean wavSamples(byte[] original, byte[] reconstructed) {
        byte[] a = dataChunk(original);
        byte[] b = dataChunk(reconstructed);
        return a != null && Arrays.equals(a, b);
    }

    private static byte[] dataChunk(byte[] wav) {
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || !new String(wav, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")) {
            return null;
        }
        int at = 12;
        while (at + 8 <= wav.length) {
            String id = new String(wav, at, 4, StandardCharsets.US_ASCII);
            long size = Integer.toUnsignedLong(in.getInt(at + 4));
            if (id.equals("data")) {
                return Arrays.copyOfRange(wav, at + 8, (int) Math.min(wav.length, at + 8 + size));
            }
            at += 8 + (int) size + (int) (size & 1);
        }
        return null;
    }
}
