package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.engine.segments.TensorGrid;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The grids of the tensors a chunk's coefficient rows name, as dbo.sp_GetTensorGrids derives them from the stored
 * shapes (sql/021's dbo.fn_TensorGrid, the same function dbo.sp_WriteChunk checks the staged segments with), read
 * on the chunk's own connection before staging. A layer the model did not register has no grid.
 */
record TensorGrids(long modelId, Map<Integer, TensorGrid> byLayer) {
    TensorGrid grid(int layerIdx) {
        return byLayer.get(layerIdx);
    }

    /** The grids of the layers {@code rows} names (the range from its lowest to its highest), for job {@code jobId}. */
    static TensorGrids read(Connection connection, long jobId, CoefficientBatch rows) throws SQLException {
        int from = Integer.MAX_VALUE;
        int to = Integer.MIN_VALUE;
        for (int i = 0; i < rows.size(); i++) {
            from = Math.min(from, rows.layerIdx()[i]);
            to = Math.max(to, rows.layerIdx()[i]);
        }
        Procedure p = Procedures.GET_TENSOR_GRIDS;
        try (ProcedureCall call = ProcedureCall.prepare(connection, p)) {
            call.setLong("JobId", jobId).setInt("FromLayer", from).setInt("ToLayer", to);
            long modelId;
            try (ResultSet rs = call.first()) {
                if (rs == null || !rs.next()) {
                    throw new SQLException(p.name() + " returned no model");
                }
                modelId = rs.getLong("ModelId");
            }
            Map<Integer, TensorGrid> grids = new HashMap<>();
            try (ResultSet rs = call.nextResultSet()) {
                while (rs != null && rs.next()) {
                    grids.put(rs.getInt("LayerIdx"), new TensorGrid(rs.getLong("SizeX"), rs.getLong("SizeY"),
                            rs.getLong("ElementCount")));
                }
            }
            call.drain();
            return new TensorGrids(modelId, Map.copyOf(grids));
        }
    }
}
