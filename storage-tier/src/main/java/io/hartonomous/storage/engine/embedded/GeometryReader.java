package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageException;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/** WKT this engine wrote itself, read back as JTS geometry (a parse failure is a storage fault, not the caller's). */
final class GeometryReader {
    private GeometryReader() {
    }

    static Geometry read(String wkt) {
        try {
            return new WKTReader().read(wkt);
        } catch (ParseException e) {
            throw new StorageException("a stored domain is not WKT: " + e.getMessage(), e);
        }
    }
}
