package io.dualstream.connect.redis.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Which programs the tests may start: servers, CLIs and tools looked up on the PATH, as a shell would. */
public final class Executables {

    private Executables() {
    }

    /** Whether an executable named {@code name} is in a directory of the PATH. */
    public static boolean onPath(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                return true;
            }
        }
        return false;
    }
}
