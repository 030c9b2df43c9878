package parley.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChannelFactory} whose channels fail on command: ENOSPC after a byte budget (the write that
 * crosses it is partial, as on a real full disk), EIO on fsync, fsyncs held at a gate, or fsyncs
 * skipped altogether (for tests that do not measure durability and must be fast).
 */
final class FaultyChannels implements ChannelFactory {
    volatile boolean skipForce;
    volatile boolean failForce;
    volatile long writeBytesLeft = Long.MAX_VALUE;
    volatile CountDownLatch forceGate;
    final Semaphore forceEntered = new Semaphore(0);
    final AtomicInteger forces = new AtomicInteger();

    static FaultyChannels fast() {
        FaultyChannels channels = new FaultyChannels();
        channels.skipForce = true;
        return channels;
    }

    @Override
    public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        return new Channel(FileChannel.open(path, options));
    }

    private final class Channel extends FileChannel {
        private final FileChannel inner;

        Channel(FileChannel inner) {
            this.inner = inner;
        }

        private int budget(ByteBuffer src) throws IOException {
            long left = writeBytesLeft;
            if (left >= src.remaining()) {
                if (left != Long.MAX_VALUE) writeBytesLeft = left - src.remaining();
                return -1;
            }
            return (int) left;
        }

        private IOException full() {
            writeBytesLeft = 0;
            return new IOException("No space left on device");
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int allowed = budget(src);
            if (allowed < 0) return inner.write(src, position);
            ByteBuffer part = src.slice(src.position(), allowed);
            inner.write(part, position);
            throw full();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int allowed = budget(src);
            if (allowed < 0) return inner.write(src);
            inner.write(src.slice(src.position(), allowed));
            throw full();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forceEntered.release();
            CountDownLatch gate = forceGate;
            if (gate != null) {
                try {
                    if (!gate.await(30, TimeUnit.SECONDS)) throw new IOException("test gate never opened");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            if (failForce) throw new IOException("Input/output error (injected fsync failure)");
            forces.incrementAndGet();
            if (!skipForce) inner.force(metaData);
        }

        @Override public int read(ByteBuffer dst) throws IOException { return inner.read(dst); }
        @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return inner.read(dsts, offset, length); }
        @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { throw new UnsupportedOperationException(); }
        @Override public long position() throws IOException { return inner.position(); }
        @Override public FileChannel position(long newPosition) throws IOException { inner.position(newPosition); return this; }
        @Override public long size() throws IOException { return inner.size(); }
        @Override public FileChannel truncate(long size) throws IOException { inner.truncate(size); return this; }
        @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return inner.transferTo(position, count, target); }
        @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { throw new UnsupportedOperationException(); }
        @Override public int read(ByteBuffer dst, long position) throws IOException { return inner.read(dst, position); }
        @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { throw new UnsupportedOperationException(); }
        @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return inner.lock(position, size, shared); }
        @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return inner.tryLock(position, size, shared); }
        @Override protected void implCloseChannel() throws IOException { inner.close(); }
    }
}
