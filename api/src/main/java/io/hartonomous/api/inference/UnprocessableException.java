package io.hartonomous.api.inference;

/**
 * The request is well formed but this model cannot do it: not runnable, over the size limit, refused by ONNX Runtime,
 * or a run that failed. Answered 422 problem+json with the message as the detail.
 */
public class UnprocessableException extends RuntimeException {
    public UnprocessableException(String detail) {
        super(detail);
    }

    public UnprocessableException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
