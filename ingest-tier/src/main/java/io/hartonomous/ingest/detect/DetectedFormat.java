package io.hartonomous.ingest.detect;

import io.hartonomous.storage.contract.atoms.Modality;

/** A format the ingest tier decodes, recognised by its magic bytes. {@code name} is what metadata records. */
public enum DetectedFormat {
    PNG(Modality.IMAGE, "png"),
    JPEG(Modality.IMAGE, "jpeg"),
    GIF(Modality.IMAGE, "gif"),
    BMP(Modality.IMAGE, "bmp"),
    TIFF(Modality.IMAGE, "tiff"),
    WAV(Modality.AUDIO, "wav"),
    RF64(Modality.AUDIO, "rf64"),
    GGUF(Modality.MODEL, "gguf"),
    SAFETENSORS(Modality.MODEL, "safetensors"),
    ONNX(Modality.MODEL, "onnx");

    private final Modality modality;
    private final String formatName;

    DetectedFormat(Modality modality, String formatName) {
        this.modality = modality;
        this.formatName = formatName;
    }

    public Modality modality() {
        return modality;
    }

    public String formatName() {
        return formatName;
    }
}
