package parley.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** File-system chores of the log's directory: checking it, naming and listing segments, fsyncing it. */
final class DataDirectory {
    static final String SEGMENT_PREFIX = "wal-";
    static final String SEGMENT_SUFFIX = ".log";
    private static final int SEQ_DIGITS = 20;

    private DataDirectory() {}

    /** Makes creations, renames and deletions in {@code dir} durable. */
    static void fsync(Path dir, ChannelFactory channels) throws IOException {
        try (FileChannel channel = channels.open(dir, Set.of(StandardOpenOption.READ))) {
            channel.force(true);
        }
    }

    static String segmentName(long firstSeq) {
        return SEGMENT_PREFIX + String.format("%0" + SEQ_DIGITS + "d", firstSeq) + SEGMENT_SUFFIX;
    }

    /** The first sequence number a segment file name carries, or -1 when the name is not a segment's. */
    static long segmentFirstSeq(String name) {
        if (!name.startsWith(SEGMENT_PREFIX) || !name.endsWith(SEGMENT_SUFFIX)) return -1;
        String digits = name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length());
        if (digits.length() != SEQ_DIGITS || !digits.chars().allMatch(Character::isDigit)) return -1;
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Segment files of {@code dir}, oldest first. */
    static List<Path> segments(Path dir, WalFileSystem fileSystem) throws IOException {
        List<Path> segments = new ArrayList<>();
        for (String name : fileSystem.list(dir)) {
            if (segmentFirstSeq(name) >= 0) segments.add(dir.resolve(name));
        }
        segments.sort(Comparator.comparingLong(p -> segmentFirstSeq(p.getFileName().toString())));
        return segments;
    }
}
