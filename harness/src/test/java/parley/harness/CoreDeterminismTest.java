package parley.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a protocol core (modules core, raft, engine, kv, membership, host, replica, keyspace) reaches for threads, wall clocks,
 * unseeded randomness, files or sockets. Those must come through {@code parley.core.env.Env}, or the
 * simulator could no longer replay a run from its seed.
 */
class CoreDeterminismTest {
    private static final List<String> CORE_MODULES = List.of("core", "raft", "engine", "kv", "membership", "host", "replica", "keyspace");

    /** Each forbidden construct with the reason a reader of the failure needs. */
    private static final List<Forbidden> FORBIDDEN = List.of(
            new Forbidden("\\bThread\\b|\\bExecutor\\w*|\\bsynchronized\\b|java\\.util\\.concurrent", "threads and locks"),
            new Forbidden("System\\s*\\.\\s*(currentTimeMillis|nanoTime)|\\b(Instant|LocalDateTime|LocalDate|ZonedDateTime|OffsetDateTime)\\s*\\.\\s*now|java\\.time\\.Clock", "wall or system clocks"),
            new Forbidden("java\\.util\\.Random\\b|\\bnew\\s+Random\\s*\\(|ThreadLocalRandom|Math\\s*\\.\\s*random|SecureRandom|UUID\\s*\\.\\s*randomUUID", "unseeded randomness"),
            new Forbidden("java\\.io\\.File|java\\.nio\\.file|java\\.nio\\.channels|FileInputStream|FileOutputStream|RandomAccessFile", "files"),
            new Forbidden("java\\.net\\.|\\bSocket\\b|ServerSocket", "sockets"),
            new Forbidden("System\\s*\\.\\s*(getenv|getProperty|exit|in\\b)", "process environment"));

    record Forbidden(String regex, String what) {
        Pattern pattern() {
            return Pattern.compile(regex);
        }
    }

    record Violation(String file, int line, String what, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + what + ": " + text.strip();
        }
    }

    @Test
    void protocolCoresUseOnlyTheInjectedEnvironment() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        List<Violation> violations = new ArrayList<>();
        int filesScanned = 0;
        for (String module : CORE_MODULES) {
            Path sources = repo.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(sources), "missing core sources: " + sources);
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    violations.addAll(scan(repo.relativize(file).toString(), Files.readString(file)));
                    filesScanned++;
                }
            }
        }
        assertTrue(filesScanned >= 10, "scanned suspiciously few core files: " + filesScanned);
        assertEquals(List.of(), violations, "protocol cores must act only through parley.core.env.Env");
    }

    @Test
    void scannerCatchesEachForbiddenConstruct() {
        String bad = """
                import java.util.Random;
                class X {
                    // Thread in a comment is fine
                    String s = "System.nanoTime() in a string is fine";
                    long t = System.nanoTime();
                    void f() { new Thread(() -> {}).start(); }
                    double r = Math.random();
                    java.io.File file;
                    java.net.Socket socket;
                }
                """;
        List<Violation> found = scan("X.java", bad);
        assertEquals(List.of(1, 5, 6, 7, 8, 9), found.stream().map(Violation::line).distinct().toList(), found.toString());
        assertFalse(scan("Y.java", "class Y { long nowNs(Env e) { return e.nowNs(); } }").iterator().hasNext());
    }

    static List<Violation> scan(String file, String source) {
        String[] lines = stripCommentsAndStrings(source).split("\n", -1);
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            for (Forbidden forbidden : FORBIDDEN) {
                Matcher matcher = forbidden.pattern().matcher(lines[i]);
                if (matcher.find()) {
                    violations.add(new Violation(file, i + 1, forbidden.what(), lines[i]));
                }
            }
        }
        return violations;
    }

    /** Blanks comments and string/char literals, keeping line breaks so line numbers stay right. */
    static String stripCommentsAndStrings(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < source.length() && source.charAt(i) != '\n') i++;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
                source.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? source.length() : end + 3;
                source.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                out.append("\"\"");
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < source.length() && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(c).append(c);
                i = Math.min(j + 1, source.length());
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
