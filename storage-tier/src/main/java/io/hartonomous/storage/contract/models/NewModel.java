package io.hartonomous.storage.contract.models;

import java.util.List;

/** A model and its tensor table, registered when a model ingest starts (layer model ids are ignored). */
public record NewModel(String name, String format, String metadataJson, List<ModelLayer> layers) {
    public NewModel {
        layers = List.copyOf(layers);
    }
}
