package io.hartonomous.api.atoms;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.api.jobs.FileDeletion;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Iterator;
import java.util.stream.Stream;

/** Atoms by id or content hash, and the compositions of a parent atom (paged, streamed). */
@Path("/api/atoms")
@Tag(name = "atoms")
@RequiresScope(Scope.QUERY)
@Produces(MediaType.APPLICATION_JSON)
public class AtomsResource {
    static final long DEFAULT_PAGE = 1000;
    static final long MAX_PAGE = 100_000;

    @Inject
    MeteredCaller caller;
    @Inject
    ObjectMapper json;
    @Inject
    FileDeletion deletion;

    @GET
    @Path("/{id}")
    @Metered("atoms.get")
    @Operation(summary = "An atom by id (leaf value, or file metadata)")
    public AtomView byId(@PathParam("id") String id) {
        long atomId = Params.id("atom id", id);
        Atom atom = caller.reads().atoms().byId(atomId)
                .orElseThrow(() -> new NotFoundException("atom " + atomId + " not found"));
        caller.units(1);
        return AtomView.of(atom, json);
    }

    @DELETE
    @Path("/{id}")
    @RequiresScope(Scope.INGEST)
    @Metered("atoms.delete")
    @Operation(summary = "Delete a file: the tenant's ownership at once; when nobody owns it any longer, its rows and "
            + "the leaves only it referenced, by a background job (202, progress at /api/jobs/{jobId}). "
            + "'erase=true' also purges its weight and layer history; 'tenant' (an admin key of the bootstrap "
            + "tenant) deletes for another tenant")
    public Response delete(@PathParam("id") String id, @QueryParam("tenant") String tenant,
                           @QueryParam("erase") String erase) {
        return deletion.delete(caller, Params.id("atom id", id), tenant, erase);
    }

    @GET
    @Path("/by-hash/{hex}")
    @Metered("atoms.by-hash")
    @Operation(summary = "An atom by its typed SHA-256 content hash (64 hex digits)")
    public AtomView byHash(@PathParam("hex") String hex) {
        ContentHash hash = ContentHash.fromHex(hex.strip().toLowerCase(java.util.Locale.ROOT));
        Atom atom = caller.reads().atoms().byHash(hash)
                .orElseThrow(() -> new NotFoundException("no atom has content hash " + hash.hex()));
        caller.units(1);
        return AtomView.of(atom, json);
    }

    @GET
    @Path("/{id}/compositions")
    @Metered("atoms.compositions")
    @Operation(summary = "Where components sit in a parent atom, in sequence order, from 'from', at most 'limit' "
            + "rows (default 1000, max 100000); 'next' is where the following page starts (null at the end)")
    public Response compositions(@PathParam("id") String id, @QueryParam("from") String fromText,
                                 @QueryParam("limit") String limitText) {
        long parent = Params.id("atom id", id);
        long from = Params.bounded("from", fromText, 0, 0, Long.MAX_VALUE - MAX_PAGE);
        long limit = Params.bounded("limit", limitText, DEFAULT_PAGE, 1, MAX_PAGE);
        // Checked here so that an invisible or unknown parent is a 404 before any byte is sent.
        caller.reads().atoms().byId(parent).orElseThrow(() -> new NotFoundException("atom " + parent + " not found"));
        AtomReads reads = caller.reads().atoms();
        MeteredCaller.UsageHandle usage = caller.deferUsage();
        StreamingOutput body = out -> {
            long count = 0;
            try (Stream<AtomComposition> rows = reads.compositions(parent, from, limit);
                 JsonGenerator g = json.getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeNumberField("parentAtomId", parent);
                g.writeNumberField("from", from);
                g.writeNumberField("limit", limit);
                g.writeArrayFieldStart("items");
                long last = -1;
                for (Iterator<AtomComposition> it = rows.iterator(); it.hasNext(); ) {
                    AtomComposition c = it.next();
                    g.writeStartObject();
                    g.writeNumberField("sequence", c.sequenceIndex());
                    g.writeNumberField("x", c.positionX());
                    g.writeNumberField("y", c.positionY());
                    g.writeNumberField("componentAtomId", c.componentAtomId());
                    g.writeEndObject();
                    last = c.sequenceIndex();
                    count++;
                }
                g.writeEndArray();
                g.writeNumberField("count", count);
                if (count == limit) {
                    g.writeNumberField("next", last + 1);
                } else {
                    g.writeNullField("next");
                }
                g.writeEndObject();
            } finally {
                usage.record(count);
            }
        };
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
