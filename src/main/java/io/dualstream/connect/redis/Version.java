package io.dualstream.connect.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project version, filled in by Maven at build time. */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        Properties props = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read version.properties", e);
        }
        return props.getProperty("version", "unknown");
    }
}
