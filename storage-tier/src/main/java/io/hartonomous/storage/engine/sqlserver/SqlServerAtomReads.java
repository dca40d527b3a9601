package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.PlacedValue;

import io.hartonomous.storage.engine.jdbc.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.stream.Stream;

/** Atom and composition reads through sql/071; row-level security applies the tenant's visibility. */
record SqlServerAtomReads(Session session) implements AtomReads {
    @Override
    public Optional<Atom> byId(long atomId) {
        return session.one(Procedures.GET_ATOM, call -> call.setLong("AtomId", atomId), SqlRows.RECORDS::atom);
    }

    @Override
    public Optional<Atom> byHash(ContentHash hash) {
        return session.one(Procedures.GET_ATOM_BY_HASH, call -> call.setBytes("ContentHash", hash.bytes()),
                SqlRows.RECORDS::atom);
    }

    @Override
    public Stream<AtomComposition> compositions(long parentAtomId, long fromSequence, long limit) {
        return session.stream(Procedures.GET_COMPOSITIONS, call -> call.setLong("ParentAtomId", parentAtomId)
                        .setLong("FromSequence", fromSequence).setLong("Limit", Math.max(0, limit)),
                rs -> new AtomComposition(rs.getLong("ParentAtomId"), rs.getLong("ComponentAtomId"),
                        rs.getLong("SequenceIndex"), rs.getLong("PositionX"), rs.getLong("PositionY")));
    }

    @Override
    public Stream<PlacedValue> placedValues(long parentAtomId, long fromSequence, long limit) {
        return session.stream(Procedures.GET_PLACED_VALUES, call -> call.setLong("ParentAtomId", parentAtomId)
                .setLong("FromSequence", fromSequence).setLong("Limit", Math.max(0, limit)), new PlacedValues());
    }

    /** Reuses the atom type while consecutive rows share it (a file's components mostly do). */
    private static final class PlacedValues implements RowMapper<PlacedValue> {
        private AtomType last;

        @Override
        public PlacedValue map(ResultSet rs) throws SQLException {
            String modality = rs.getString("Modality");
            String subtype = rs.getString("Subtype");
            if (last == null || !last.subtype().equals(subtype) || !last.modality().wireName().equals(modality)) {
                last = AtomType.of(Modality.fromWireName(modality), subtype);
            }
            return new PlacedValue(rs.getLong("SequenceIndex"), rs.getLong("PositionX"), rs.getLong("PositionY"), last,
                    rs.getBytes("AtomicValue"));
        }
    }

    @Override
    public long compositionCount(long parentAtomId) {
        return session.single(Procedures.GET_COMPOSITION_COUNT, call -> call.setLong("ParentAtomId", parentAtomId),
                rs -> rs.getLong("CompositionCount"));
    }
}
