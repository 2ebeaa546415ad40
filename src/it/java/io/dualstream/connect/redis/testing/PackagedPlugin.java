package io.dualstream.connect.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** The zip that {@code mvn package} built (system property {@code plugin.zip}), installed as a user would. */
public final class PackagedPlugin {

    private PackagedPlugin() {
    }

    /** Unzips the plugin into {@code pluginPath} (a worker's plugin.path) and returns the plugin's own folder. */
    public static Path install(Path pluginPath) throws IOException {
        return unzip(Path.of(System.getProperty("plugin.zip")), pluginPath);
    }

    /** Unzips into {@code target} and returns the single top folder. */
    static Path unzip(Path zip, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
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
        try (Stream<Path> top = Files.list(target)) {
            List<Path> folders = top.toList();
            if (folders.size() != 1) {
                throw new IOException("the zip must hold one top folder: " + folders);
            }
            return folders.get(0);
        }
    }
}
