package parley.wal;

import java.nio.file.Path;

/**
 * What recovery found.
 *
 * @param segments          segment files read
 * @param records           intact records replayed
 * @param tornSegment       the segment whose torn tail was cut, or null when there was none
 * @param tornOffset        where the cut was made
 * @param tornBytesDropped  how many bytes were cut off (0 when nothing was torn)
 */
public record RecoveryReport(int segments, long records, Path tornSegment, long tornOffset, long tornBytesDropped) {
    @Override
    public String toString() {
        return "recovered " + records + " records from " + segments + " segments"
                + (tornSegment == null ? "" : "; cut a torn tail of " + tornBytesDropped + " bytes off " + tornSegment + " at offset " + tornOffset);
    }
}
