package io.hartonomous.ingest.atomize.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.ChildPart;
import io.hartonomous.ingest.atomize.ChunkAssembler;
import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.atomize.Embedding;
import io.hartonomous.ingest.atomize.FileHashes;
import io.hartonomous.ingest.atomize.FileLayout;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.kernels.FeatureKernels;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * PNG, JPEG, GIF, BMP and TIFF through ImageIO. One frame is one parent atom: pixels row-major, composition
 * {@code (x, y, sequence = y * width + x)}, atoms {@code rgba16} for 16-bit sources and {@code rgba8} otherwise. Frame 0
 * is the file itself; further GIF frames and TIFF pages are {@link ChildPart}s. Every check that headers allow (PNG chunk
 * structure and CRCs, pixel and frame limits) runs before the frame is decoded, and the frame is decoded whole when
 * the file is opened, before the first chunk, so a file that fails to decode leaves no rows; chunks are then
 * independent runs of its rows, converted in parallel when the emitter asks for it.
 */
public final class ImageAtomizer implements AtomizedFile {
    private static final int THUMBNAIL = 512;

    private final Path file;
    private final ContentHash fileHash;
    private final IngestLimits limits;
    private final int frame;
    private final int frames;
    private final PixelRows rows;
    private final int width;
    private final int height;
    private final FileLayout layout;

    private ImageAtomizer(Path file, DetectedFormat format, ContentHash fileHash, IngestLimits limits, int frame,
                          int frames, BufferedImage image, PixelRows rows, int chunkRows, ObjectNode metadata)
            throws IOException {
        this.file = file;
        this.fileHash = fileHash;
        this.limits = limits;
        this.frame = frame;
        this.frames = frames;
        this.rows = rows;
        this.width = image.getWidth();
        this.height = image.getHeight();
        this.layout = new FileLayout(format, Files.size(file), new ChunkPlan((long) width * height, chunkRows),
                Json.write(metadata));
    }

    /** {@code fileHash}: the file's typed hash, from which further frames' or pages' identities derive. */
    public static ImageAtomizer open(Path file, DetectedFormat format, ContentHash fileHash, IngestLimits limits,
                                     int chunkRows) throws IOException {
        return open(file, format, fileHash, limits, chunkRows, 0);
    }

    private static ImageAtomizer open(Path file, DetectedFormat format, ContentHash fileHash, IngestLimits limits,
                                      int chunkRows, int frame) throws IOException {
        PngStructure png = null;
        if (format == DetectedFormat.PNG) {
            png = PngStructure.read(file);
            checkPixels(png.width(), png.height(), limits, format);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadInputException("no " + format.name() + " decoder accepts the file (corrupt header)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, true);
                int frames = 1;
                if (format == DetectedFormat.GIF || format == DetectedFormat.TIFF) {
                    frames = reader.getNumImages(true);
                    if (frames < 1) {
                        throw new BadInputException("the " + format.name() + " holds no image");
                    }
                    if (frames > limits.maxFrames()) {
                        throw new LimitExceededException("the " + format.name() + " has " + frames
                                + " frames, more than the limit of " + limits.maxFrames());
                    }
                }
                for (int i = 0; i < frames; i++) {
                    checkPixels(reader.getWidth(i), reader.getHeight(i), limits, format);
                }
                BufferedImage image = reader.read(frame);
                ObjectNode meta = Json.object();
                meta.put("format", format.formatName());
                meta.put("width", image.getWidth());
                meta.put("height", image.getHeight());
                boolean subByteGray = png != null && png.colourType() == 0 && png.bitDepth() < 8;
                PixelRows rows = new PixelRows(image, png != null && png.colourType() == 0 ? png.bitDepth() : 0,
                        subByteGray && png.trnsGray() >= 0
                                ? png.trnsGray() * 255 / ((1 << png.bitDepth()) - 1) : -1);
                int[] sampleSizes = image.getRaster().getSampleModel().getSampleSize();
                meta.put("bitDepth", png != null ? png.bitDepth() : sampleSizes[0]);
                meta.put("colourType", png != null ? png.colourTypeName() : colourType(image));
                meta.put("hasAlpha", image.getColorModel().hasAlpha());
                if (png != null) {
                    meta.put("interlaced", png.interlaced());
                    meta.put("transparencyChunk", png.hasTrns());
                }
                meta.put("frames", frames);
                if (frames > 1) {
                    meta.put("frame", frame);
                }
                meta.put("subtype", rows.sixteenBit() ? "rgba16" : "rgba8");
                if (format == DetectedFormat.JPEG) {
                    meta.put("exifOrientation", Math.max(1, ExifOrientation.read(file)));
                }
                return new ImageAtomizer(file, format, fileHash, limits, frame, frames, image, rows, chunkRows,
                        meta);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException b) {
                throw b;
            }
            // ImageIO reports corrupt content as IIOException or as assorted runtime exceptions
            throw new BadInputException("the " + format.name() + " could not be decoded: " + describe(e), e);
        }
    }

    private static void checkPixels(long w, long h, IngestLimits limits, DetectedFormat format) {
        if (w * h > limits.maxPixels()) {
            throw new LimitExceededException("the " + format.name() + " declares " + w + "x" + h + " = " + (w * h)
                    + " pixels, more than the limit of " + limits.maxPixels());
        }
    }

    private static String colourType(BufferedImage image) {
        int bands = image.getRaster().getNumBands();
        if (image.getColorModel() instanceof java.awt.image.IndexColorModel) {
            return "palette";
        }
        boolean alpha = image.getColorModel().hasAlpha();
        boolean gray = image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        return gray ? (alpha ? "gray-alpha" : "gray") : (alpha ? "rgba" : bands >= 3 ? "rgb" : "gray");
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null && s.length() < 300; t = t.getCause()) {
            if (!s.isEmpty()) {
                s.append(": ");
            }
            s.append(t.getMessage() != null && !t.getMessage().isBlank() ? t.getMessage()
                    : t.getClass().getSimpleName());
        }
        return s.toString();
    }

    @Override
    public FileLayout layout() {
        return layout;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Chunk {@code c}: its pixels converted straight from the decoded frame, row run by row run. */
    @Override
    public Chunk chunk(int c) {
        ChunkPlan plan = layout.plan();
        long first = plan.start(c);
        int n = plan.size(c);
        PixelRows.Cursor cursor = rows.cursor();
        AtomType type = AtomType.of(Modality.IMAGE, rows.sixteenBit() ? "rgba16" : "rgba8");
        int[] keys8 = rows.sixteenBit() ? null : new int[n];
        long[] keys16 = rows.sixteenBit() ? new long[n] : null;
        long[] seq = new long[n];
        long[] xs = new long[n];
        long[] ys = new long[n];
        for (int i = 0; i < n; ) {
            long p = first + i;
            int y = (int) (p / width);
            int x = (int) (p % width);
            int run = Math.min(width - x, n - i);
            if (keys8 != null) {
                cursor.rgba8(y, x, run, keys8, i);
            } else {
                cursor.rgba16(y, x, run, keys16, i);
            }
            for (int k = 0; k < run; k++) {
                seq[i + k] = p + k;
                xs[i + k] = x + k;
                ys[i + k] = y;
            }
            i += run;
        }
        ChunkAssembler.Distinct d = keys8 != null ? ChunkAssembler.distinct(type, keys8, n)
                : ChunkAssembler.distinct(type, keys16, n);
        return new Chunk(c, d.atoms(), new CompositionBatch(n, seq, xs, ys, d.ordinals()), null,
                plan.bytesDone(c, layout.bytesTotal()));
    }

    /** Feature embedding of a nearest-neighbour thumbnail (at most 512 pixels on the long side). */
    @Override
    public Optional<Embedding> embedding() {
        int tw = width;
        int th = height;
        if (Math.max(width, height) > THUMBNAIL) {
            double s = (double) THUMBNAIL / Math.max(width, height);
            tw = Math.max(1, (int) (width * s));
            th = Math.max(1, (int) (height * s));
        }
        PixelRows.Cursor cursor = rows.cursor();
        if (rows.sixteenBit()) {
            long[] row = new long[width];
            long[] thumb = new long[tw * th];
            for (int ty = 0; ty < th; ty++) {
                cursor.rgba16((int) ((long) ty * height / th), 0, width, row, 0);
                for (int tx = 0; tx < tw; tx++) {
                    thumb[ty * tw + tx] = row[(int) ((long) tx * width / tw)];
                }
            }
            return Optional.of(new Embedding(Embedding.IMAGE, FeatureKernels.image16(thumb, tw, th)));
        }
        int[] row = new int[width];
        int[] thumb = new int[tw * th];
        for (int ty = 0; ty < th; ty++) {
            cursor.rgba8((int) ((long) ty * height / th), 0, width, row, 0);
            for (int tx = 0; tx < tw; tx++) {
                thumb[ty * tw + tx] = row[(int) ((long) tx * width / tw)];
            }
        }
        return Optional.of(new Embedding(Embedding.IMAGE, FeatureKernels.image(thumb, tw, th)));
    }

    @Override
    public List<ChildPart> children() throws IOException {
        if (frame != 0 || frames == 1) {
            return List.of();
        }
        boolean gif = layout.format() == DetectedFormat.GIF;
        String relation = gif ? ChildPart.FRAME_OF : ChildPart.PAGE_OF;
        String label = gif ? "#frame=" : "#page=";
        List<ChildPart> children = new ArrayList<>(frames - 1);
        for (int i = 1; i < frames; i++) {
            children.add(new ChildPart(i, relation, FileHashes.ofChild(Modality.IMAGE, relation, i, fileHash),
                    label + i));
        }
        return children;
    }

    @Override
    public AtomizedFile child(int index) throws IOException {
        if (frame != 0 || index < 1 || index >= frames) {
            throw new IllegalArgumentException("no frame " + index + " (the file has " + frames + ")");
        }
        return open(file, layout.format(), fileHash, limits, layout.plan().chunkRows(), index);
    }

    @Override
    public void close() {
        // the decoded frame is garbage once this is dropped; nothing is held open
    }
}
