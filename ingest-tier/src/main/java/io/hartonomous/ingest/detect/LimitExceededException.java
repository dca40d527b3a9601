package io.hartonomous.ingest.detect;

/** The file's headers declare more than a configured limit allows; raised before any decoding work (HTTP 413). */
public class LimitExceededException extends BadInputException {
    public LimitExceededException(String detail) {
        super(detail);
    }

    @Override
    public int httpStatus() {
        return 413;
    }
}
