package parley.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.function.LongSupplier;

/**
 * A file channel whose {@link #force} first waits the delay {@link FaultHooks} asks for (a slow or
 * stalled disk as the write-ahead log sees it), and whose writes fail with "No space left on device"
 * while the hooks say the disk is full. Everything else goes straight to the real channel.
 */
final class FaultInjectingFileChannel extends FileChannel {
    private final FileChannel inner;
    private final LongSupplier delayMs;
    private final java.util.function.BooleanSupplier diskFull;

    FaultInjectingFileChannel(FileChannel inner, LongSupplier delayMs, java.util.function.BooleanSupplier diskFull) {
        this.inner = inner;
        this.delayMs = delayMs;
        this.diskFull = diskFull;
    }

    /** What the kernel says (ENOSPC) when a write needs a block the disk no longer has. */
    private void failIfFull() throws IOException {
        if (diskFull.getAsBoolean()) throw new IOException("No space left on device (injected)");
    }

    @Override
    public void force(boolean metaData) throws IOException {
        long waitMs = delayMs.getAsLong();
        if (waitMs > 0) {
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted during an injected fsync delay");
            }
        }
        inner.force(metaData);
    }

    @Override public int read(ByteBuffer dst) throws IOException { return inner.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return inner.read(dsts, offset, length); }
    @Override public int write(ByteBuffer src) throws IOException { failIfFull(); return inner.write(src); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { failIfFull(); return inner.write(srcs, offset, length); }
    @Override public long position() throws IOException { return inner.position(); }
    @Override public FileChannel position(long newPosition) throws IOException { inner.position(newPosition); return this; }
    @Override public long size() throws IOException { return inner.size(); }
    @Override public FileChannel truncate(long size) throws IOException { inner.truncate(size); return this; }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return inner.transferTo(position, count, target); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { failIfFull(); return inner.transferFrom(src, position, count); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return inner.read(dst, position); }
    @Override public int write(ByteBuffer src, long position) throws IOException { failIfFull(); return inner.write(src, position); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return inner.map(mode, position, size); }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return inner.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return inner.tryLock(position, size, shared); }
    @Override protected void implCloseChannel() throws IOException { inner.close(); }
}
