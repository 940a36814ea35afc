package io.bulwark.deploy.rollout;

import java.util.List;
import java.util.Objects;

/**
 * A rollout definition: its name, the strategy that moves traffic (canary steps or a blue-green
 * switch) and the driver that moves it. Read one with {@link RolloutSpecs#parse(String)}, which
 * reports every problem at once, each naming its field.
 *
 * <pre>{@code
 * RolloutSpec spec = RolloutSpecs.parse(Files.readString(Path.of("checkout.yaml")));
 * }</pre>
 *
 * @param name     the rollout's name, unique among active rollouts
 * @param strategy how traffic moves
 * @param driver   what moves it
 */
public record RolloutSpec(String name, Strategy strategy, DriverSpec driver) {

    /** A rollout's name: 1 to 63 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit. */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");

    /** What {@link #NAME} allows, for messages. */
    public static final String NAME_RULE = "must be 1 to 63 lowercase letters, digits, '.', '_' or '-', starting and ending "
            + "with a letter or digit";

    public RolloutSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(driver, "driver");
    }

    /** Every metric of every analysis in this definition, with the field path that names it. */
    public List<Located<MetricSpec>> metrics() {
        return strategy.analyses().stream()
                .flatMap(a -> {
                    var out = new java.util.ArrayList<Located<MetricSpec>>();
                    for (int i = 0; i < a.value().metrics().size(); i++) {
                        out.add(new Located<>(a.field() + ".metrics[" + i + "]", a.value().metrics().get(i)));
                    }
                    return out.stream();
                })
                .toList();
    }

    /**
     * A part of a definition with the path of the field it came from, for error messages.
     *
     * @param field e.g. {@code strategy.canary.steps[2].analysis}
     * @param value the part
     */
    public record Located<T>(String field, T value) {
    }
}
