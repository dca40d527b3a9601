package io.hartonomous.api.atoms;

import io.hartonomous.storage.contract.ConflictException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a WAV file: header, then the samples as stored (each atom is one sample's exact little-endian bits), in
 * interleaved order. PCM or IEEE float; WAVE_FORMAT_EXTENSIBLE when the source was (or, if unknown, when there are
 * more than two channels or more than 16 bits); RF64 when the data exceeds what a RIFF size field holds. The total
 * length is known up front, so the response carries a Content-Length.
 */
final class WavStream {
    private static final int PCM = 1;
    private static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;
    /** KSDATAFORMAT_SUBTYPE_* GUID tail after the format tag: -0000-0010-8000-00aa00389b71. */
    private static final byte[] GUID_TAIL = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00,
            (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    private WavStream() {
    }

    /** The header bytes for this layout (everything before the first sample). */
    static byte[] header(MediaLayout.Audio audio) {
        int bytes = audio.bytesPerSample();
        int blockAlign = bytes * audio.channels();
        long dataSize = audio.samples() * bytes;
        int pad = (int) (dataSize & 1);
        boolean floating = audio.floating();
        int fmtSize = audio.extensible() ? 40 : floating ? 18 : 16;
        boolean fact = floating;
        long riffBody = 4 + 8 + fmtSize + (fact ? 12 : 0) + 8 + dataSize + pad;
        boolean rf64 = riffBody + 36 > 0xFFFFFFFFL;
        if (rf64) {
            riffBody += 36;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (12 + (rf64 ? 36 : 0) + 8 + fmtSize + (fact ? 12 : 0) + 8))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii(rf64 ? "RF64" : "RIFF")).putInt(rf64 ? -1 : (int) riffBody).put(ascii("WAVE"));
        if (rf64) {
            b.put(ascii("ds64")).putInt(28).putLong(riffBody).putLong(dataSize).putLong(audio.frames()).putInt(0);
        }
        b.put(ascii("fmt ")).putInt(fmtSize);
        int tag = audio.extensible() ? EXTENSIBLE : floating ? IEEE_FLOAT : PCM;
        b.putShort((short) tag).putShort((short) audio.channels()).putInt((int) audio.sampleRate())
                .putInt((int) (audio.sampleRate() * blockAlign)).putShort((short) blockAlign)
                .putShort((short) (bytes * 8));
        if (audio.extensible()) {
            b.putShort((short) 22).putShort((short) audio.validBits()).putInt((int) audio.channelMask())
                    .putShort((short) (floating ? IEEE_FLOAT : PCM)).put(GUID_TAIL);
        } else if (floating) {
            b.putShort((short) 0);
        }
        if (fact) {
            b.put(ascii("fact")).putInt(4).putInt(rf64 ? -1 : (int) Math.min(audio.frames(), 0xFFFFFFFFL));
        }
        b.put(ascii("data")).putInt(rf64 ? -1 : (int) dataSize);
        return b.array();
    }

    /** Header + data + pad byte: the exact length of what {@link #write} sends. */
    static long length(MediaLayout.Audio audio) {
        long dataSize = audio.samples() * audio.bytesPerSample();
        return header(audio).length + dataSize + (dataSize & 1);
    }

    /** Samples copied per write: a run's bytes go out in pieces of this many samples. */
    private static final int SAMPLES_PER_WRITE = 16_384;

    static long write(OutputStream out, MediaLayout.Audio audio, ValueRunCursor samples) throws IOException {
        byte[] header = header(audio);
        out.write(header);
        long written = header.length;
        int bytes = audio.bytesPerSample();
        if (samples.valueBytes() != bytes) {
            throw new ConflictException("audio of " + audio.type() + " has " + bytes + "-byte samples, not "
                    + samples.valueBytes());
        }
        byte[] buffer = new byte[SAMPLES_PER_WRITE * bytes];
        long left = audio.samples();
        while (left > 0) {
            int n = (int) Math.min(left, SAMPLES_PER_WRITE);
            samples.read(buffer, 0, n);
            out.write(buffer, 0, n * bytes);
            written += (long) n * bytes;
            left -= n;
        }
        if (((written - header.length) & 1) == 1) {
            out.write(0);
            written++;
        }
        out.flush();
        return written;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
