package parley.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories for property tests (jqwik does not inject JUnit's @TempDir). */
final class TempDirs {
    private TempDirs() {}

    interface Body {
        void run(Path dir) throws Exception;
    }

    static void withTempDir(Body body) throws Exception {
        Path dir = Files.createTempDirectory("parley-wal-test");
        try {
            body.run(dir);
        } finally {
            deleteRecursively(dir);
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
