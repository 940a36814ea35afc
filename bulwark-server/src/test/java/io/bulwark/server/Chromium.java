package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.test.services.LocalServices;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * A headless Debian Chromium driven by its chromedriver, one per test class: starting one costs
 * about a second, so a class shares it across its tests.
 *
 * <p>When either binary is missing the tests are skipped with a message naming them and how to
 * install them, unless {@code BULWARK_REQUIRE_SERVICES=1} (CI), where they fail instead: a browser
 * test must never pass in CI by skipping.
 */
final class Chromium implements AutoCloseable {

    /** The packages that bring the two binaries, and how to install them. */
    static final String INSTALL = "apt-get install -y chromium chromium-driver";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ChromeDriver driver;
    private final String axe;

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
        this.axe = axeSource();
    }

    /** Starts a browser, or skips the calling test (fails it under BULWARK_REQUIRE_SERVICES=1) without one. */
    static Chromium startOrSkip() {
        Optional<Path> browser = binary("chromium", "chromium-browser");
        Optional<Path> driver = binary("chromedriver");
        if (browser.isEmpty() || driver.isEmpty()) {
            String missing = (browser.isEmpty() ? "chromium" : "") + (browser.isEmpty() && driver.isEmpty() ? " and " : "")
                    + (driver.isEmpty() ? "chromedriver" : "") + " not found (looked on PATH and in /usr/bin); install "
                    + "Debian's with '" + INSTALL + "'. The dashboard's browser tests are skipped";
            if ("1".equals(System.getenv(LocalServices.REQUIRE_SERVICES_ENV))) {
                throw new AssertionError(missing + " (BULWARK_REQUIRE_SERVICES=1, so this fails instead of skipping)");
            }
            Assumptions.abort(missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get().toFile());
        // --no-sandbox: the tests may run as root (CI containers), where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-features=Translate,OptimizationHints,MediaRouter", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
                .usingAnyFreePort().withSilent(true).build();
        return new Chromium(new ChromeDriver(service, options));
    }

    private static Optional<Path> binary(String... names) {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            Stream.of(path.split(java.io.File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).forEach(dirs::add);
        }
        dirs.add(Path.of("/usr/bin"));
        for (String name : names) {
            for (Path dir : dirs) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens {@code uri} and waits until its script says it is drawn ({@code body[data-ready]}). */
    void open(URI uri) {
        driver.get(uri.toString());
        awaitReady();
    }

    /** Waits until the page's script has drawn it, and fails when it says it could not. */
    void awaitReady() {
        String state = new WebDriverWait(driver, WAIT).until(d -> {
            Object ready = js("return document.body && document.body.dataset.ready;");
            return ready == null ? null : ready.toString();
        });
        if (!"true".equals(state)) {
            throw new AssertionError("the page " + driver.getCurrentUrl() + " could not be drawn: "
                    + driver.findElement(By.tagName("body")).getText());
        }
    }

    /**
     * Waits up to the usual bound for {@code condition}. A condition that reads elements while the
     * page draws them again finds them detached (stale); it is then asked again, as when it is false.
     */
    <T> T await(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Runs {@code script}, which calls its last argument with the result; returns that result. */
    Object jsAsync(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The browser console's errors since the last call (or since the start): CSP refusals, failed loads, exceptions. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /** Empties the console log, so that the next {@link #consoleErrors()} has only what follows. */
    void clearConsole() {
        driver.manage().logs().get(LogType.BROWSER);
    }

    /**
     * Runs axe-core (from its WebJar) on the page and returns its violations of impact serious or
     * critical, each as "rule: help (targets)".
     */
    List<String> seriousAccessibilityViolations() {
        js(axe);
        Object out = jsAsync("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(r => done(JSON.stringify(r.violations))).catch(e => done('axe failed: ' + e));");
        String text = String.valueOf(out);
        if (text.startsWith("axe failed")) {
            throw new AssertionError(text);
        }
        List<String> serious = new ArrayList<>();
        try {
            for (JsonNode v : Json.mapper().readTree(text)) {
                String impact = v.path("impact").asText();
                if (impact.equals("serious") || impact.equals("critical")) {
                    List<String> targets = new ArrayList<>();
                    v.path("nodes").forEach(n -> targets.add(n.path("target").toString()));
                    serious.add(v.path("id").asText() + " (" + impact + "): " + v.path("help").asText() + " at " + targets);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return serious;
    }

    private static String axeSource() {
        String version;
        ClassLoader loader = Chromium.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the axe-core WebJar (org.webjars.npm:axe-core) is not on the test class path");
            }
            Properties p = new Properties();
            p.load(in);
            version = p.getProperty("version").trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream in = loader.getResourceAsStream("META-INF/resources/webjars/axe-core/" + version + "/axe.min.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
