package io.hartonomous.api.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hartonomous.api.llama.LlamaModel;
import io.hartonomous.storage.contract.inference.ReceiptTensor;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/**
 * A model reassembled from the storage tier at one weight version: its ONNX Runtime session (with the inputs it
 * declares) or, for a LLaMA GGUF, the substrate's forward pass over its weights, and the receipt of every tensor
 * read to build it, or, when ONNX Runtime refused the model, the reason (kept so that the next request does not read
 * every tensor again to learn the same). {@code bytes} is what it
 * counts against the cache: tensor bytes plus structure.
 */
final class LoadedModel {
    private static final Logger LOG = Logger.getLogger(LoadedModel.class);

    private final OrtSession session;
    private final LlamaModel llama;
    private final Map<String, NodeInfo> inputs;
    private final List<ReceiptTensor> tensors;
    private final String refusal;
    private final long bytes;

    private LoadedModel(OrtSession session, LlamaModel llama, Map<String, NodeInfo> inputs,
                        List<ReceiptTensor> tensors, String refusal, long bytes) {
        this.session = session;
        this.llama = llama;
        this.inputs = inputs;
        this.tensors = List.copyOf(tensors);
        this.refusal = refusal;
        this.bytes = bytes;
    }

    static LoadedModel runnable(OrtSession session, List<ReceiptTensor> tensors, long bytes) throws OrtException {
        return new LoadedModel(session, null, session.getInputInfo(), tensors, null, bytes);
    }

    /** A LLaMA GGUF model, run by the substrate's own forward pass instead of ONNX Runtime. */
    static LoadedModel llama(LlamaModel llama, long bytes) {
        return new LoadedModel(null, llama, Map.of(), llama.tensors(), null, bytes);
    }

    static LoadedModel refused(String reason, long bytes) {
        return new LoadedModel(null, null, Map.of(), List.of(), reason, bytes);
    }

    /** The LLaMA model when this is one, else null (an ONNX model: see {@link #session()}). */
    LlamaModel llama() {
        return llama;
    }

    /** The session; UnprocessableException with ONNX Runtime's reason if it refused the model. */
    OrtSession session() {
        if (refusal != null) {
            throw new UnprocessableException(refusal);
        }
        return session;
    }

    Map<String, NodeInfo> inputs() {
        return inputs;
    }

    List<ReceiptTensor> tensors() {
        return tensors;
    }

    long bytes() {
        return bytes;
    }

    void close() {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warnf(e, "closing an ONNX Runtime session failed");
            }
        }
    }
}
