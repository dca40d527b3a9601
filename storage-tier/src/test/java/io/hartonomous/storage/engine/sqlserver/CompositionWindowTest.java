package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.engine.segments.RealFiles;
import io.hartonomous.storage.engine.segments.SegmentPlan;
import io.hartonomous.storage.engine.segments.StoredSegment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine's decoding of dbo.sp_GetCompositionWindow's result sets, without a server: the first 65,536 pixels of
 * a real photo, stored as segments of dictionary ordinals except one run kept as rows (as a chunk that followed no
 * layout would be), read back through windows that start and end inside segments. Every position comes back once,
 * in sequence order, with its coordinates and its atom.
 */
class CompositionWindowTest {
    private static final AtomType RGBA8 = RealFiles.RGBA8;

    private record Stored(List<StoredSegment> segments, List<long[]> rowPlaces,
                          List<CompositionWindow.Component> rowComponents,
                          Map<Integer, CompositionWindow.Component> dictionary, CompositionBatch rows,
                          CompositionWindow.Component[] expected) {
    }

    private static Stored photo() throws IOException {
        RealFiles.Image image = RealFiles.image("images/snake.png");
        RealFiles.Cut cut = RealFiles.cut(image.pixels(), image::x, image::y).getFirst();
        int n = cut.rows().size();
        long[] seq = cut.rows().sequenceIndex();
        long[] x = cut.rows().positionX();
        long[] y = cut.rows().positionY();
        int[] ordinal = cut.rows().atomOrdinal();
        Map<Integer, CompositionWindow.Component> dictionary = new HashMap<>();
        for (int o = 0; o < cut.distinct().length; o++) {
            dictionary.put(o, new CompositionWindow.Component(1_000_000L + o, RGBA8,
                    RealFiles.pixelAtom(cut.distinct()[o]).value()));
        }
        CompositionBatch rows = cut.rows();
        SegmentPlan plan = SegmentPlan.of(rows);
        List<StoredSegment> segments = new ArrayList<>();
        List<long[]> rowPlaces = new ArrayList<>();
        List<CompositionWindow.Component> rowComponents = new ArrayList<>();
        CompositionWindow.Component[] expected = new CompositionWindow.Component[n];
        for (int i = 0; i < n; i++) {
            expected[i] = dictionary.get(ordinal[i]);
        }
        for (int s = 0; s < plan.segments(); s++) {
            if (s == 3) {
                for (int i = plan.firstRow(s); i < plan.firstRow(s) + plan.positions(s); i++) {
                    rowPlaces.add(new long[] {seq[i], x[i], y[i]});
                    rowComponents.add(expected[i]);
                }
                continue;
            }
            int w = plan.width(s, ordinal);
            segments.add(new StoredSegment(plan.firstSequence(s), plan.positions(s), plan.layout(), w,
                    plan.pack(s, ordinal, w)));
        }
        return new Stored(segments, rowPlaces, rowComponents, dictionary, rows, expected);
    }

    /** What the procedure returns for [from, end): segments reaching in, rows inside. */
    private static CompositionWindow window(Stored st, long from, long end) {
        List<StoredSegment> segments = st.segments().stream()
                .filter(s -> s.firstSequence() < end && s.end() > from).toList();
        List<long[]> places = new ArrayList<>();
        List<CompositionWindow.Component> components = new ArrayList<>();
        for (int i = 0; i < st.rowPlaces().size(); i++) {
            if (st.rowPlaces().get(i)[0] >= from && st.rowPlaces().get(i)[0] < end) {
                places.add(st.rowPlaces().get(i));
                components.add(st.rowComponents().get(i));
            }
        }
        return CompositionWindow.merge(segments, places, components, st.dictionary(), from, end, null);
    }

    @Test
    void windowsOfSegmentsAndRowsDecodeEveryPositionOnceInOrder() throws IOException {
        Stored st = photo();
        long[] cuts = {0, 1, 4095, 4096, 12_000, 12_288, 16_383, 16_385, 40_000, 65_536};
        for (int c = 1; c < cuts.length; c++) {
            CompositionWindow w = window(st, cuts[c - 1], cuts[c]);
            assertThat(w.size()).isEqualTo((int) (cuts[c] - cuts[c - 1]));
            List<PlacedValue> placed = w.placedValues();
            List<AtomComposition> compositions = w.compositions(42);
            for (int i = 0; i < w.size(); i++) {
                int s = (int) (cuts[c - 1] + i);
                assertThat(placed.get(i).sequenceIndex()).isEqualTo(s);
                assertThat(placed.get(i).positionX()).isEqualTo(st.rows().positionX()[s]);
                assertThat(placed.get(i).positionY()).isEqualTo(st.rows().positionY()[s]);
                assertThat(placed.get(i).value()).isEqualTo(st.expected()[s].value());
                assertThat(compositions.get(i)).isEqualTo(new AtomComposition(42, st.expected()[s].atomId(), s,
                        st.rows().positionX()[s], st.rows().positionY()[s]));
            }
        }
    }

    @Test
    void aSegmentNamingAnOrdinalTheDictionaryLacksIsAnError() throws IOException {
        Stored st = photo();
        Map<Integer, CompositionWindow.Component> partial = new HashMap<>(st.dictionary());
        partial.remove(st.rows().atomOrdinal()[5]);
        assertThatThrownBy(() -> CompositionWindow.merge(st.segments(), List.of(), List.of(), partial, 0, 10, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("lacks");
    }
}
