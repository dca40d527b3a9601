package io.hartonomous.ingest.detect;

/** The file is of a format, or uses a variant of one, that Hartonomous does not ingest (HTTP 415). */
public class UnsupportedFormatException extends BadInputException {
    public UnsupportedFormatException(String detail) {
        super(detail);
    }

    @Override
    public int httpStatus() {
        return 415;
    }
}
