package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageException;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * WKT this engine wrote itself, read back as JTS geometry (a parse failure is a storage fault, not the caller's).
 * A GEOMETRY column is read as its EWKT text rather than through H2's own JTS conversion, which depends on H2
 * finding JTS through its own class loader (it does not under Quarkus).
 */
final class GeometryReader {
    private GeometryReader() {
    }

    static Geometry column(ResultSet rs, String column) throws SQLException {
        String ewkt = rs.getString(column);
        int srid = ewkt.startsWith("SRID=") ? ewkt.indexOf(';') : -1;
        return read(srid < 0 ? ewkt : ewkt.substring(srid + 1));
    }

    static Geometry read(String wkt) {
        try {
            return new WKTReader().read(wkt);
        } catch (ParseException e) {
            throw new StorageException("a stored domain is not WKT: " + e.getMessage(), e);
        }
    }
}
