package io.hartonomous.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: upload first, then atomization when the server reports it. Drawn only on a
 * terminal; piped or logged output gets the result lines alone.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final boolean TERMINAL = System.console() != null && System.console().isTerminal();
    private final String label;
    private final long total;
    private long lastDraw;

    ProgressBar(String label, long total) {
        this.label = label.length() > 24 ? label.substring(0, 21) + "..." : label;
        this.total = total;
    }

    HttpRequest.BodyPublisher publisher(Path file) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new CountingStream(Files.newInputStream(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), total);
    }

    void atomizing(long done, long of) {
        draw("atomize", done, of);
    }

    void done() {
        if (TERMINAL) {
            System.err.print("\r\033[K");
            System.err.flush();
        }
    }

    private void draw(String phase, long done, long of) {
        if (!TERMINAL) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < of) {
            return;
        }
        lastDraw = now;
        double fraction = of <= 0 ? 1 : Math.min(1, (double) done / of);
        int filled = (int) Math.round(fraction * WIDTH);
        System.err.printf(Locale.ROOT, "\r%-24s %-7s [%s%s] %5.1f%% %s", label, phase, "#".repeat(filled),
                " ".repeat(WIDTH - filled), fraction * 100, human(done));
        System.err.flush();
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %sB", bytes / Math.pow(1024, unit), " KMGTPE".charAt(unit));
    }

    private final class CountingStream extends InputStream {
        private final InputStream in;
        private long read;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = in.read(buffer, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            draw("upload", read, total);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
