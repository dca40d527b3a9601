package io.hartonomous.ingest.atomize.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the EXIF Orientation (IFD0 tag 0x0112) of a JPEG by walking its marker segments up to the first scan. The
 * pixels are stored as encoded; the orientation is only recorded, so reconstruction stays bit-exact.
 */
final class ExifOrientation {
    private ExifOrientation() {
    }

    /** 1..8, or 0 when the file has no (readable) EXIF orientation. */
    static int read(Path jpeg) throws IOException {
        try (InputStream in = Files.newInputStream(jpeg)) {
            if (in.read() != 0xFF || in.read() != 0xD8) {
                return 0;
            }
            while (true) {
                int b = in.read();
                while (b == 0xFF) {
                    b = in.read(); // fill bytes
                }
                if (b < 0 || b == 0xDA || b == 0xD9) {
                    return 0; // start of scan / end of image: no EXIF before the data
                }
                int hi = in.read();
                int lo = in.read();
                if (lo < 0) {
                    return 0;
                }
                int length = (hi << 8 | lo) - 2;
                if (length < 0) {
                    return 0;
                }
                byte[] payload = in.readNBytes(length);
                if (b == 0xE1 && payload.length >= 14 && payload[0] == 'E' && payload[1] == 'x' && payload[2] == 'i'
                        && payload[3] == 'f' && payload[4] == 0 && payload[5] == 0) {
                    return fromTiff(payload, 6);
                }
            }
        }
    }

    private static int fromTiff(byte[] p, int base) {
        boolean little;
        if (p[base] == 'I' && p[base + 1] == 'I') {
            little = true;
        } else if (p[base] == 'M' && p[base + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        long ifd = u32(p, base + 4, little);
        if (ifd < 8 || base + ifd + 2 > p.length) {
            return 0;
        }
        int at = (int) (base + ifd);
        int entries = u16(p, at, little);
        for (int i = 0; i < entries; i++) {
            int e = at + 2 + 12 * i;
            if (e + 12 > p.length) {
                return 0;
            }
            if (u16(p, e, little) == 0x0112 && u16(p, e + 2, little) == 3) {
                int value = u16(p, e + 8, little);
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    private static int u16(byte[] p, int at, boolean little) {
        int a = p[at] & 0xFF;
        int b = p[at + 1] & 0xFF;
        return little ? a | b << 8 : a << 8 | b;
    }

    private static long u32(byte[] p, int at, boolean little) {
        long a = u16(p, at, little);
        long b = u16(p, at + 2, little);
        return little ? a | b << 16 : a << 16 | b;
    }
}
