package io.dualstream.quickstart;

import io.dualstream.connect.redis.testing.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.dualstream.connect.redis.testing.Executables.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The quickstart's live page in a real headless Chromium, driven by src/it/browser/quickstart-page.mjs
 * (playwright-core): rows within seconds of opening, a click showing the event whose id matches the row, a reload
 * mid-stream with the recent rows at once and live rows after them (no gap, no duplicate), a pattern watch, no
 * script errors. Then Ctrl-C's signal (SIGINT) stops the quickstart, gateway included.
 */
class QuickstartPageIT {

    private static final Path BROWSER_DIR = QuickstartLauncher.BASE.resolve("src/it/browser");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TempDir
    Path workDir;

    @Test
    void theLivePageInHeadlessChromium() throws Exception {
        requireBrowserTools();
        try (RedisFixture redis = RedisFixture.start();
             QuickstartLauncher quickstart = QuickstartLauncher.start(workDir, redis.uri(), "180s", 40)) {
            assertTrue(quickstart.pageServed(Duration.ofSeconds(180)), "the live page is not served on "
                    + quickstart.pageUrl() + ":\n" + quickstart.printed());

            Path checkOutput = workDir.resolve("page-check.out");
            ProcessBuilder node = new ProcessBuilder("node", BROWSER_DIR.resolve("quickstart-page.mjs").toString(),
                    quickstart.pageUrl().toString(),
                    QuickstartLauncher.BASE.resolve("target/quickstart-page-it.png").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(checkOutput.toFile());
            node.environment().put("CHROMIUM", CHROMIUM.toString());
            Process check = node.start();
            if (!check.waitFor(150, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                fail("the page check did not finish within 150 s:\n" + Files.readString(checkOutput));
            }
            String result = Files.readString(checkOutput, StandardCharsets.UTF_8);
            System.out.println(result); // the timings, in the failsafe report
            assertEquals(0, check.exitValue(), result + "\nquickstart:\n" + quickstart.printed());
            assertTrue(result.contains("page-check ok"), result);

            // Ctrl-C: SIGINT stops everything, the page's port with it.
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(quickstart.process.pid())).start()
                    .waitFor());
            assertTrue(quickstart.process.waitFor(60, TimeUnit.SECONDS), "the quickstart did not stop on SIGINT");
            String printed = quickstart.printed();
            assertEquals(0, quickstart.process.exitValue(), "stopping is how the quickstart ends, not a failure:\n"
                    + printed + "\nits log:\n" + quickstart.logTail());
            assertTrue(printed.contains("stopped: producer, gateway, subscriber, Connect worker, Kafka broker"), printed);
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", quickstart.httpPort).close(),
                    "the live page's port is closed");
        }
    }

    /**
     * Skips, saying what is missing, when Chromium, Node.js or playwright-core is not installed; on CI (which
     * installs them in .ci/run) their absence fails instead.
     */
    private static void requireBrowserTools() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("Chromium at " + CHROMIUM + " (apt-get install -y chromium)");
        }
        if (!onPath("node")) {
            missing.add("Node.js (apt-get install -y nodejs npm)");
        }
        if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
            missing.add("playwright-core (npm ci --prefix src/it/browser)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "the browser test needs " + String.join(", ", missing) + "; .ci/run installs them";
        if ("true".equals(System.getenv("CI"))) {
            fail(why);
        }
        assumeTrue(false, why);
    }
}
