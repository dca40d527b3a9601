package io.hartonomous.api.atoms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.config.ApiConfig;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.BufferedOutputStream;
import java.io.OutputStream;

/**
 * The original reconstructed from its atoms, streamed: images as PNG (RGBA, 8 or 16 bits per channel as stored,
 * pixels bit-identical), audio as WAV (samples bit-identical), a leaf atom as its raw value. Everything that can be
 * checked (visibility, extent, leaf type) is checked before the first byte, so those failures are clean 4xx.
 */
@Path("/api/atoms/{id}/content")
@Tag(name = "atoms")
@RequiresScope(Scope.QUERY)
public class ContentResource {
    private static final int BUFFER = 1 << 16;

    @Inject
    MeteredCaller caller;
    @Inject
    ObjectMapper json;
    @Inject
    ApiConfig config;

    @GET
    @Produces({"image/png", "audio/wav", "application/octet-stream", "application/problem+json"})
    @Metered("atoms.content")
    @Operation(summary = "Reconstruct the original from its atoms: PNG for images, WAV for audio")
    public Response content(@PathParam("id") String id) {
        long atomId = Params.id("atom id", id);
        AtomReads reads = caller.reads().atoms();
        Atom atom = reads.byId(atomId).orElseThrow(() -> new NotFoundException("atom " + atomId + " not found"));
        if (!atom.type().isFile()) {
            caller.units(atom.atomicValue().length);
            return Response.ok(atom.atomicValue(), "application/octet-stream").build();
        }
        JsonNode meta = AtomView.metadata(atom.metadataJson(), json);
        return switch (atom.type().modality()) {
            case IMAGE -> image(atom, MediaLayout.image(atom, meta, reads), reads);
            case AUDIO -> audio(atom, MediaLayout.audio(atom, meta, reads), reads);
            case MODEL -> throw new ConflictException("atom " + atomId + " is a model file; read its tensors at "
                    + "/api/models (as .npy) instead");
        };
    }

    private Response image(Atom atom, MediaLayout.Image image, AtomReads reads) {
        MeteredCaller.UsageHandle usage = caller.deferUsage();
        StreamingOutput body = out -> {
            long written = 0;
            try (ValueRunCursor pixels = new ValueRunCursor(reads, atom.atomId(), image.pixels(),
                    config.api().contentPageRows(), image.type())) {
                OutputStream buffered = new BufferedOutputStream(out, BUFFER);
                written = PngStream.write(buffered, image, pixels);
            } finally {
                usage.record(written);
            }
        };
        return Response.ok(body, "image/png")
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"atom-" + atom.atomId() + ".png\"")
                .build();
    }

    private Response audio(Atom atom, MediaLayout.Audio audio, AtomReads reads) {
        MeteredCaller.UsageHandle usage = caller.deferUsage();
        long length = WavStream.length(audio);
        StreamingOutput body = out -> {
            long written = 0;
            try (ValueRunCursor samples = new ValueRunCursor(reads, atom.atomId(), audio.samples(),
                    config.api().contentPageRows(), audio.type())) {
                OutputStream buffered = new BufferedOutputStream(out, BUFFER);
                written = WavStream.write(buffered, audio, samples);
            } finally {
                usage.record(written);
            }
        };
        return Response.ok(body, "audio/wav")
                .header(HttpHeaders.CONTENT_LENGTH, length)
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"atom-" + atom.atomId() + ".wav\"")
                .build();
    }
}
