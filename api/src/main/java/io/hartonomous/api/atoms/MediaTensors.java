package io.hartonomous.api.atoms;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomReads;

/**
 * An image or audio file atom's values as float32 arrays, read from its atoms exactly as reconstruction reads them
 * (the same layout checks, the same paged cursor): what a model takes as input. The extent is known before anything
 * is read, so a caller can check it against what the model takes first.
 */
public final class MediaTensors {
    private MediaTensors() {
    }

    /** An image file atom: {@link #chw} gives its pixels as planes, channel by channel, rows top to bottom. */
    public static final class Image {
        private final AtomReads reads;
        private final Atom atom;
        private final MediaLayout.Image layout;
        private final int pageRows;

        private Image(AtomReads reads, Atom atom, MediaLayout.Image layout, int pageRows) {
            this.reads = reads;
            this.atom = atom;
            this.layout = layout;
            this.pageRows = pageRows;
        }

        public int width() {
            return layout.width();
        }

        public int height() {
            return layout.height();
        }

        /** The largest value a channel holds: 255, or 65535 for 16-bit sources. */
        public int maxValue() {
            return layout.sixteenBit() ? 65535 : 255;
        }

        /**
         * The first {@code channels} (3: RGB, 4: RGBA) planes, each value {@code (v * scale - mean[c]) / std[c]}
         * ({@code mean}/{@code std} null: 0 and 1), at {@code c * H * W + y * W + x}.
         */
        public float[] chw(int channels, float scale, float[] mean, float[] std) {
            int w = layout.width();
            int plane = Math.multiplyExact(w, layout.height());
            float[] out = new float[Math.multiplyExact(plane, channels)];
            boolean wide = layout.sixteenBit();
            int bpp = wide ? 8 : 4;
            byte[] row = new byte[w * bpp];
            try (ValueRunCursor pixels = new ValueRunCursor(reads, atom.atomId(), layout.pixels(), pageRows,
                    layout.type())) {
                for (int i = 0; i < plane; i++) {
                    int x = i % w;
                    if (x == 0) {
                        pixels.read(row, 0, w);
                    }
                    int v = x * bpp;
                    for (int c = 0; c < channels; c++) {
                        int value = wide ? (row[v + 2 * c] & 0xFF) | (row[v + 2 * c + 1] & 0xFF) << 8
                                : row[v + c] & 0xFF;
                        float f = value * scale;
                        if (mean != null) {
                            f -= mean[c];
                        }
                        if (std != null) {
                            f /= std[c];
                        }
                        out[c * plane + i] = f;
                    }
                }
            }
            return out;
        }
    }

    /** An audio file atom: {@link #samples} gives one channel or the mono mix as floats in [-1, 1). */
    public static final class Audio {
        private final AtomReads reads;
        private final Atom atom;
        private final MediaLayout.Audio layout;
        private final int pageRows;

        private Audio(AtomReads reads, Atom atom, MediaLayout.Audio layout, int pageRows) {
            this.reads = reads;
            this.atom = atom;
            this.layout = layout;
            this.pageRows = pageRows;
        }

        public long sampleRate() {
            return layout.sampleRate();
        }

        public int channels() {
            return layout.channels();
        }

        public long frames() {
            return layout.frames();
        }

        /**
         * Frame by frame, channel {@code channel}'s sample, or with {@code channel} -1 the mean of all channels;
         * integer PCM scaled to [-1, 1) (8-bit is unsigned around 128), float samples as stored.
         */
        public float[] samples(int channel) {
            int channels = layout.channels();
            float[] out = new float[Math.toIntExact(layout.frames())];
            int bytes = layout.bytesPerSample();
            byte[] frame = new byte[channels * bytes];
            try (ValueRunCursor cursor = new ValueRunCursor(reads, atom.atomId(), layout.samples(), pageRows,
                    layout.type())) {
                for (int f = 0; f < out.length; f++) {
                    cursor.read(frame, 0, channels);
                    double mix = 0;
                    for (int c = 0; c < channels; c++) {
                        if (channel < 0 || c == channel) {
                            mix += value(frame, c * bytes);
                        }
                    }
                    out[f] = (float) (channel < 0 ? mix / channels : mix);
                }
            }
            return out;
        }

        private double value(byte[] v, int at) {
            String subtype = layout.type().subtype();
            return switch (subtype) {
                case "pcm8" -> ((v[at] & 0xFF) - 128) / 128.0;
                case "pcm16" -> (short) ((v[at] & 0xFF) | v[at + 1] << 8) / 32768.0;
                case "pcm24" -> ((v[at] & 0xFF) | (v[at + 1] & 0xFF) << 8 | v[at + 2] << 16) / 8388608.0;
                case "pcm32" -> ((v[at] & 0xFF) | (v[at + 1] & 0xFF) << 8 | (v[at + 2] & 0xFF) << 16
                        | v[at + 3] << 24) / 2147483648.0;
                case "float32" -> Float.intBitsToFloat((v[at] & 0xFF) | (v[at + 1] & 0xFF) << 8
                        | (v[at + 2] & 0xFF) << 16 | v[at + 3] << 24);
                case "float64" -> {
                    long bits = 0;
                    for (int i = 7; i >= 0; i--) {
                        bits = bits << 8 | (v[at + i] & 0xFF);
                    }
                    yield Double.longBitsToDouble(bits);
                }
                default -> throw new ConflictException("audio of " + layout.type() + " has no sample conversion");
            };
        }
    }

    /** The image file atom {@code atom} (ConflictException if its values are not pixels or its extent is off). */
    public static Image image(AtomReads reads, Atom atom, JsonNode meta, int pageRows) {
        return new Image(reads, atom, MediaLayout.image(atom, meta, reads), pageRows);
    }

    /** The audio file atom {@code atom} (ConflictException if its values are not samples or its extent is off). */
    public static Audio audio(AtomReads reads, Atom atom, JsonNode meta, int pageRows) {
        return new Audio(reads, atom, MediaLayout.audio(atom, meta, reads), pageRows);
    }

    /** The metadata JSON of a file atom, as reconstruction reads it (null when it has none). */
    public static JsonNode metadata(Atom atom, com.fasterxml.jackson.databind.ObjectMapper json) {
        return AtomView.metadata(atom.metadataJson(), json);
    }
}
