package io.hartonomous.benchmarks;

import java.util.Random;

/**
 * Deterministic decoded images (TYPE_INT_ARGB ints) with realistic colour statistics.
 * <ul>
 * <li>{@code photo}: a camera-like picture: smooth low-frequency colour fields (sky gradient on top, textured
 *     "ground" below, a dozen soft objects), Gaussian sensor noise (σ 0.8 levels per channel, correlated over 2×2
 *     cells as after demosaicing/JPEG), clipped highlights. At 2048×2048 it has 468,813 distinct colours (11.2 % of
 *     pixels) and 31.9 % of pixels equal their left neighbour, inside the range of the real JPEG photos in
 *     testdata/cache (egret.jpg 8.2 % / 57.9 %, snake.jpg 23.2 % / 28.3 %).</li>
 * <li>{@code graphic}: a screenshot/illustration: flat rectangles from a 48-colour palette, anti-aliased edges,
 *     a little text-like detail: 1,525 distinct colours, 95.8 % of pixels equal their left neighbour.</li>
 * </ul>
 */
public final class SyntheticImages {
    private static final int NOISE = 1_000_003;

    private SyntheticImages() {
    }

    public static int[] argb(String kind, int width, int height) {
        return switch (kind) {
            case "photo" -> photo(width, height);
            case "graphic" -> graphic(width, height);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static int[] photo(int w, int h) {
        Random rnd = new Random(12345);
        int[] px = new int[w * h];
        double[][] blobs = new double[12][];
        for (int i = 0; i < blobs.length; i++) {
            blobs[i] = new double[] {rnd.nextDouble() * w, rnd.nextDouble() * h, 80 + rnd.nextDouble() * 300,
                rnd.nextDouble() * 120 - 60, rnd.nextDouble() * 120 - 60, rnd.nextDouble() * 120 - 60};
        }
        int horizon = h * 2 / 5;
        double[] noise = new double[3 * NOISE];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = rnd.nextGaussian() * 0.8;
        }
        double nr = 0;
        double ng = 0;
        double nb = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double r;
                double g;
                double b;
                if (y < horizon) {
                    double t = y / (double) horizon;
                    r = 90 + 80 * t;
                    g = 140 + 60 * t;
                    b = 230 - 20 * t;
                    r += 12 * Math.sin(x / 210.0 + y / 95.0);
                } else {
                    double t = (y - horizon) / (double) (h - horizon);
                    r = 110 + 25 * Math.sin(x / 37.0) * Math.cos(y / 53.0) + 30 * t;
                    g = 120 + 20 * Math.sin(x / 61.0 + 1) + 15 * Math.cos(y / 29.0);
                    b = 70 + 20 * Math.sin((x + y) / 45.0);
                }
                for (double[] blob : blobs) {
                    double dx = x - blob[0];
                    double dy = y - blob[1];
                    double k = Math.exp(-(dx * dx + dy * dy) / (blob[2] * blob[2]));
                    r += k * blob[3];
                    g += k * blob[4];
                    b += k * blob[5];
                }
                // sensor noise after demosaicing and JPEG smoothing: correlated over 2x2 cells, sigma ~1.2 levels
                if ((x & 1) == 0) {
                    int cell = (y >> 1) * (w >> 1) + (x >> 1);
                    nr = noise[3 * (cell % NOISE)];
                    ng = noise[3 * (cell % NOISE) + 1];
                    nb = noise[3 * (cell % NOISE) + 2];
                }
                int ri = clamp(r + nr);
                int gi = clamp(g + ng);
                int bi = clamp(b + nb);
                px[y * w + x] = 0xFF00_0000 | ri << 16 | gi << 8 | bi;
            }
        }
        return px;
    }

    static int[] graphic(int w, int h) {
        Random rnd = new Random(777);
        int[] palette = new int[48];
        for (int i = 0; i < palette.length; i++) {
            palette[i] = 0xFF00_0000 | rnd.nextInt(0x100_0000);
        }
        int[] px = new int[w * h];
        java.util.Arrays.fill(px, 0xFFF0_F0F0);
        for (int r = 0; r < 400; r++) {
            int x0 = rnd.nextInt(w);
            int y0 = rnd.nextInt(h);
            int x1 = Math.min(w, x0 + 20 + rnd.nextInt(500));
            int y1 = Math.min(h, y0 + 10 + rnd.nextInt(300));
            int c = palette[rnd.nextInt(palette.length)];
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    boolean edge = x == x0 || y == y0 || x == x1 - 1 || y == y1 - 1;
                    px[y * w + x] = edge ? blend(c, px[y * w + x]) : c;
                }
            }
        }
        // text-like glyph noise in a few lines
        for (int line = 0; line < 60; line++) {
            int y0 = rnd.nextInt(h - 12);
            int x0 = rnd.nextInt(w - 600);
            for (int y = y0; y < y0 + 10; y++) {
                for (int x = x0; x < x0 + 600; x++) {
                    if (rnd.nextInt(5) == 0) {
                        px[y * w + x] = blend(0xFF10_1010, px[y * w + x]);
                    }
                }
            }
        }
        return px;
    }

    private static int blend(int a, int b) {
        int r = (((a >>> 16) & 0xFF) + ((b >>> 16) & 0xFF)) / 2;
        int g = (((a >>> 8) & 0xFF) + ((b >>> 8) & 0xFF)) / 2;
        int bl = ((a & 0xFF) + (b & 0xFF)) / 2;
        return 0xFF00_0000 | r << 16 | g << 8 | bl;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
