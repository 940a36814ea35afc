package io.bulwark.cli.scaling;

import io.bulwark.scaling.simulation.Simulation;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The simulation as a chart (XChart): load and throughput in jobs per second and replicas on the
 * left axis, the backlog on the right, over time in minutes. Written as PNG and SVG.
 */
final class SimulationChart {

    private SimulationChart() {
    }

    /** Writes {@code <base>.png} and {@code <base>.svg}. */
    static void write(Simulation.Result result, double perWorker, Path base) throws IOException {
        List<Simulation.Sample> samples = result.samples();
        double[] minutes = samples.stream().mapToDouble(s -> s.at().toMillis() / 60_000.0).toArray();
        XYChart chart = new XYChartBuilder().width(1200).height(600).title("bulwark scaling simulate")
                .xAxisTitle("minutes").yAxisTitle("jobs/s, workers").build();
        chart.getStyler().setMarkerSize(0);
        chart.setYAxisGroupTitle(1, "waiting jobs");
        add(chart, "load (jobs/s)", minutes, samples.stream().mapToDouble(Simulation.Sample::load).toArray(), 0);
        add(chart, "capacity (jobs/s)", minutes, samples.stream().mapToDouble(s -> s.ready() * perWorker).toArray(), 0);
        add(chart, "workers ready", minutes, samples.stream().mapToDouble(Simulation.Sample::ready).toArray(), 0);
        add(chart, "workers asked for", minutes, samples.stream().mapToDouble(Simulation.Sample::requested).toArray(), 0);
        add(chart, "waiting jobs", minutes, samples.stream().mapToDouble(Simulation.Sample::backlog).toArray(), 1);
        BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    }

    private static void add(XYChart chart, String name, double[] x, double[] y, int axis) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setYAxisGroup(axis);
    }
}
