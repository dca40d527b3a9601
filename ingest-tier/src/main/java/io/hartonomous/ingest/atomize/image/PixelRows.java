package io.hartonomous.ingest.atomize.image;

import io.hartonomous.ingest.detect.UnsupportedFormatException;
import io.hartonomous.kernels.PixelKernels;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Converts a decoded frame row by row to canonical keys: rgba8 ints ({@code R | G<<8 | B<<16 | A<<24}) or rgba16
 * longs ({@code R | G<<16 | B<<32 | A<<48}). Samples are taken raw from the Raster in the colour model's component
 * order, never through colour conversion (which would alter gray values), so 16-bit sources keep their 16 bits and
 * sub-8-bit gray is scaled exactly as PNG specifies: {@code v * 255 / (2^bits - 1)}. The conversion rules are
 * immutable and the decoded frame is only read, so chunks convert their rows at once, each through its own
 * {@link Cursor} (the scratch buffers).
 */
final class PixelRows {
    enum Kind { INDEXED, COMPONENT8, COMPONENT16, DIRECT }

    private final BufferedImage image;
    private final Raster raster;
    private final int width;
    private final int bands;
    private final Kind kind;
    private final int[] lut;        // INDEXED: index -> ARGB
    private final int[] scale8;     // COMPONENT8 with fewer than 8 bits: raw sample -> 0..255
    private final int transparentGray;

    /**
     * {@code pngGrayBits}: bit depth of a PNG gray image (else 0); {@code transparentGray}: its tRNS gray sample scaled
     * to 8 bits, or -1. ImageIO expands sub-8-bit gray with tRNS to gray+alpha but compares the tRNS value against
     * the scaled samples, so no pixel turns transparent; PNG says the raw sample equal to tRNS is transparent.
     */
    PixelRows(BufferedImage image, int pngGrayBits, int transparentGray) {
        this.transparentGray = transparentGray;
        this.image = image;
        this.raster = image.getRaster();
        this.width = image.getWidth();
        this.bands = raster.getNumBands();
        ColorModel cm = image.getColorModel();
        int[] sizes = raster.getSampleModel().getSampleSize();
        int maxBits = 0;
        for (int s : sizes) {
            maxBits = Math.max(maxBits, s);
        }
        if (cm instanceof IndexColorModel icm) {
            kind = Kind.INDEXED;
            lut = new int[1 << sizes[0]];
            int max = (1 << sizes[0]) - 1;
            for (int i = 0; i < lut.length; i++) {
                if (pngGrayBits > 0 && pngGrayBits < 8) {
                    // PNG gray below 8 bits arrives as an indexed ramp: rebuild it with the spec's exact scaling
                    int g = i * 255 / max;
                    lut[i] = (g == transparentGray ? 0 : 0xFF000000) | g << 16 | g << 8 | g;
                } else {
                    lut[i] = i < icm.getMapSize() ? icm.getRGB(i) : 0xFF000000;
                }
            }
            scale8 = null;
        } else if (cm instanceof DirectColorModel) {
            kind = Kind.DIRECT;
            lut = null;
            scale8 = null;
        } else if (cm instanceof ComponentColorModel) {
            int cs = cm.getColorSpace().getType();
            if (cs != ColorSpace.TYPE_RGB && cs != ColorSpace.TYPE_GRAY) {
                throw new UnsupportedFormatException("images in the " + colourSpaceName(cs)
                        + " colour space are not supported (only RGB and gray)");
            }
            if (bands < 1 || bands > 4) {
                throw new UnsupportedFormatException("images with " + bands + " samples per pixel are not supported");
            }
            if (maxBits > 16 || raster.getTransferType() == java.awt.image.DataBuffer.TYPE_FLOAT
                    || raster.getTransferType() == java.awt.image.DataBuffer.TYPE_DOUBLE) {
                throw new UnsupportedFormatException(maxBits + "-bit or floating-point samples are not supported"
                        + " (8 and 16 bits per sample are)");
            }
            if (maxBits > 8) {
                kind = Kind.COMPONENT16;
                scale8 = null;
                if (maxBits != 16) {
                    throw new UnsupportedFormatException(maxBits + "-bit samples are not supported");
                }
            } else {
                kind = Kind.COMPONENT8;
                if (maxBits < 8) {
                    int max = (1 << maxBits) - 1;
                    scale8 = new int[max + 1];
                    for (int i = 0; i <= max; i++) {
                        scale8[i] = i * 255 / max;
                    }
                } else {
                    scale8 = null;
                }
            }
            lut = null;
        } else {
            throw new UnsupportedFormatException("unsupported colour model " + cm.getClass().getSimpleName());
        }
    }

    boolean sixteenBit() {
        return kind == Kind.COMPONENT16;
    }

    Kind kind() {
        return kind;
    }

    /** Scratch for one thread's conversions; not shared. */
    Cursor cursor() {
        return new Cursor();
    }

    /** Converts runs of a row; holds one row's scratch buffers, so each thread (or chunk) uses its own. */
    final class Cursor {
        private final int[] samples = new int[width * bands];
        private final byte[] bytes = kind == Kind.COMPONENT8 ? new byte[width * bands] : null;
        private final short[] shorts = kind == Kind.COMPONENT16 ? new short[width * bands] : null;
        private final int[] argb = kind == Kind.INDEXED || kind == Kind.DIRECT ? new int[width] : null;

        private Cursor() {
        }

        /** Pixels {@code [x, x + n)} of row {@code y} as rgba8 keys into {@code out[outFrom, outFrom + n)}. */
        void rgba8(int y, int x, int n, int[] out, int outFrom) {
            switch (kind) {
                case INDEXED -> {
                    raster.getSamples(x, y, n, 1, 0, samples);
                    for (int i = 0; i < n; i++) {
                        argb[i] = lut[samples[i]];
                    }
                    PixelKernels.argbToRgba8(argb, 0, n, false, out, outFrom);
                }
                case DIRECT -> {
                    image.getRGB(x, y, n, 1, argb, 0, n);
                    PixelKernels.argbToRgba8(argb, 0, n, !image.getColorModel().hasAlpha(), out, outFrom);
                }
                case COMPONENT8 -> {
                    raster.getPixels(x, y, n, 1, samples);
                    int m = n * bands;
                    for (int i = 0; i < m; i++) {
                        bytes[i] = (byte) (scale8 == null ? samples[i] : scale8[samples[i]]);
                    }
                    if (transparentGray >= 0 && bands == 2) {
                        for (int i = 0; i < m; i += 2) {
                            if ((bytes[i] & 0xFF) == transparentGray) {
                                bytes[i + 1] = 0;
                            }
                        }
                    }
                    PixelKernels.interleaved8ToRgba8(bytes, 0, n, bands, out, outFrom);
                }
                default -> throw new IllegalStateException("a 16-bit image has rgba16 rows");
            }
        }

        /** Pixels {@code [x, x + n)} of row {@code y} as rgba16 keys (16-bit sources only). */
        void rgba16(int y, int x, int n, long[] out, int outFrom) {
            raster.getPixels(x, y, n, 1, samples);
            int m = n * bands;
            for (int i = 0; i < m; i++) {
                shorts[i] = (short) samples[i];
            }
            PixelKernels.interleaved16ToRgba16(shorts, 0, n, bands, out, outFrom);
        }
    }

    private static String colourSpaceName(int type) {
        return switch (type) {
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            case ColorSpace.TYPE_Lab -> "Lab";
            default -> "type-" + type;
        };
    }
}
