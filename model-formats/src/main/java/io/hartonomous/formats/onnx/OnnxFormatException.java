package io.hartonomous.formats.onnx;

/** The bytes are not a well-formed ONNX protobuf message; the message says where and why. */
public class OnnxFormatException extends RuntimeException {
    public OnnxFormatException(String detail) {
        super(detail);
    }
}
