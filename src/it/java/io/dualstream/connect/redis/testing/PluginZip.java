package io.dualstream.connect.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** The zip that {@code mvn package} built (failsafe passes its path as {@code plugin.zip}), installed as a user would. */
public final class PluginZip {

    private PluginZip() {
    }

    public static Path zip() {
        return Path.of(System.getProperty("plugin.zip"));
    }

    /** Unzips the plugin into {@code pluginPath} (a worker's plugin.path) and returns its single top folder. */
    public static Path install(Path pluginPath) throws IOException {
        try (InputStream in = Files.newInputStream(zip()); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path out = pluginPath.resolve(entry.getName()).normalize();
                if (!out.startsWith(pluginPath)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(entries, out);
                }
            }
        }
        try (Stream<Path> top = Files.list(pluginPath)) {
            List<Path> folders = top.toList();
            if (folders.size() != 1) {
                throw new AssertionError("the zip holds one top folder: " + folders);
            }
            return folders.get(0);
        }
    }
}
