package io.hartonomous.ingest.atomize.audio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.ChunkAssembler;
import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.atomize.Embedding;
import io.hartonomous.ingest.atomize.FileLayout;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.kernels.FeatureKernels;
import io.hartonomous.kernels.PcmKernels;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.Modality;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * WAV and RF64 audio: the data region is read chunk by chunk with positional reads (never loaded whole; several
 * chunks may read at once, which FileChannel allows for reads at an explicit position). Row
 * order is the file's interleaved sample order: sample s is frame {@code s / channels}, channel {@code s % channels},
 * composition {@code (x = frame, y = channel, sequence = s)}. Atoms hold each sample's exact stored bits in the
 * container's width (pcm8 unsigned, pcm16/24/32 two's complement, float32/float64 IEEE), so reconstruction is bit-exact.
 */
public final class WavAtomizer implements AtomizedFile {
    /** Mono samples the embedding looks at: the whole file when short, else evenly spread excerpts. */
    private static final int EMBED_SAMPLES = 1 << 21;
    private static final int EMBED_SEGMENTS = 512;

    private final FileChannel channel;
    private final WavFormat wav;
    private final AtomType type;
    private final FileLayout layout;

    private WavAtomizer(DetectedFormat format, FileChannel channel, WavFormat wav, int chunkRows) throws IOException {
        this.channel = channel;
        this.wav = wav;
        this.type = AtomType.of(Modality.AUDIO, wav.subtype());
        ObjectNode meta = Json.object();
        meta.put("format", format.formatName());
        meta.put("sampleRate", wav.sampleRate());
        meta.put("channels", wav.channels());
        meta.put("bitsPerSample", wav.bitsPerSample());
        meta.put("validBitsPerSample", wav.validBits());
        meta.put("encoding", wav.floating() ? "float" : "pcm");
        meta.put("extensible", wav.extensible());
        if (wav.extensible()) {
            meta.put("channelMask", wav.channelMask());
        }
        meta.put("frames", wav.frames());
        meta.put("durationSeconds", (double) wav.frames() / wav.sampleRate());
        meta.put("subtype", wav.subtype());
        this.layout = new FileLayout(format, channel.size(), new ChunkPlan(wav.frames() * wav.channels(), chunkRows),
                Json.write(meta));
    }

    public static WavAtomizer open(Path file, DetectedFormat format, IngestLimits limits, int chunkRows)
            throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            WavFormat wav = WavFormat.read(ch);
            if (wav.frames() > limits.maxFrames()) {
                throw new LimitExceededException("the audio has " + wav.frames() + " frames, more than the limit of "
                        + limits.maxFrames());
            }
            return new WavAtomizer(format, ch, wav, chunkRows);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public FileLayout layout() {
        return layout;
    }

    /** Chunk {@code c}: its samples read with one positional read (safe beside other chunks' reads). */
    @Override
    public Chunk chunk(int c) throws IOException {
        ChunkPlan plan = layout.plan();
        long first = plan.start(c);
        int n = plan.size(c);
        int bps = wav.bytesPerSample();
        int channels = wav.channels();
        byte[] buffer = new byte[n * bps];
        readSamples(first, n, buffer);
        ChunkAssembler.Distinct d;
        if (bps == 8) {
            long[] keys = new long[n];
            PcmKernels.decode64(buffer, 0, n, keys, 0);
            d = ChunkAssembler.distinct(type, keys, n);
        } else {
            int[] keys = new int[n];
            PcmKernels.decode(buffer, 0, n, bps, wav.floating(), keys, 0);
            d = ChunkAssembler.distinct(type, keys, n);
        }
        long[] seq = new long[n];
        long[] xs = new long[n];
        long[] ys = new long[n];
        for (int i = 0; i < n; i++) {
            long s = first + i;
            seq[i] = s;
            xs[i] = s / channels;
            ys[i] = s % channels;
        }
        long bytesDone = wav.dataOffset() + (first + n) * bps;
        return new Chunk(c, d.atoms(), new CompositionBatch(n, seq, xs, ys, d.ordinals()), null,
                c == plan.chunkCount() - 1 ? layout.bytesTotal() : bytesDone);
    }

    private void readSamples(long firstSample, int samples, byte[] into) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into, 0, samples * wav.bytesPerSample());
        long at = wav.dataOffset() + firstSample * wav.bytesPerSample();
        while (b.hasRemaining()) {
            int r = channel.read(b, at + b.position());
            if (r < 0) {
                throw new IOException("the spooled file shrank while being read");
            }
        }
    }

    /** Spectral features of the mono mix-down; long files contribute evenly spread excerpts. */
    @Override
    public Optional<Embedding> embedding() throws IOException {
        long frames = wav.frames();
        if (frames == 0) {
            return Optional.empty();
        }
        int channels = wav.channels();
        int segments = frames <= EMBED_SAMPLES ? 1 : EMBED_SEGMENTS;
        int perSegment = (int) Math.min(frames, EMBED_SAMPLES / segments);
        float[] mono = new float[segments * perSegment];
        int bps = wav.bytesPerSample();
        int step = Math.max(1, (1 << 16) / channels);
        byte[] buffer = new byte[step * channels * bps];
        int[] keys = new int[step * channels];
        long[] keys64 = new long[step * channels];
        float[] samples = new float[step * channels];
        int out = 0;
        for (int s = 0; s < segments; s++) {
            long start = segments == 1 ? 0 : s * (frames - perSegment) / (segments - 1);
            for (int done = 0; done < perSegment; ) {
                int f = Math.min(step, perSegment - done);
                int n = f * channels;
                readSamples((start + done) * channels, n, buffer);
                if (bps == 8) {
                    PcmKernels.decode64(buffer, 0, n, keys64, 0);
                    for (int i = 0; i < n; i++) {
                        samples[i] = (float) Double.longBitsToDouble(keys64[i]);
                    }
                } else {
                    PcmKernels.decode(buffer, 0, n, bps, wav.floating(), keys, 0);
                    PcmKernels.toFloat(keys, 0, n, bps, wav.floating(), samples, 0);
                }
                for (int i = 0; i < f; i++) {
                    float sum = 0;
                    for (int ch = 0; ch < channels; ch++) {
                        sum += samples[i * channels + ch];
                    }
                    float v = sum / channels;
                    mono[out++] = Float.isFinite(v) ? v : 0f;
                }
                done += f;
            }
        }
        return Optional.of(new Embedding(Embedding.AUDIO,
                FeatureKernels.audio(mono, (int) Math.min(Integer.MAX_VALUE, wav.sampleRate()))));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a read-only channel has nothing to flush
        }
    }
}
