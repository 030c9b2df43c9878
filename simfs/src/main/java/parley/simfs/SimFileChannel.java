package parley.simfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A channel on a {@link SimFileSystem} file, or on a directory (which only forces: that is how a
 * directory is fsynced). Positional reads and writes, size, truncate and force are what the log
 * uses; mapping and locking are not offered.
 */
final class SimFileChannel extends FileChannel {
    private final SimFileSystem fs;
    private final Path path;
    private final SimFileSystem.Inode inode;
    private final boolean append;
    private final boolean directory;
    private long position;

    SimFileChannel(SimFileSystem fs, Path path, SimFileSystem.Inode inode, boolean append, boolean directory) {
        this.fs = fs;
        this.path = path;
        this.inode = inode;
        this.append = append;
        this.directory = directory;
    }

    private SimFileSystem.Inode file() throws IOException {
        if (!isOpen()) throw new java.nio.channels.ClosedChannelException();
        if (directory) throw new NonWritableChannelException();
        return inode;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = fs.read(file(), dst, position);
        if (n > 0) position += n;
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) return total == 0 ? -1 : total;
            total += n;
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (append) position = fs.size(file());
        int n = fs.write(file(), src, position);
        position += n;
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) total += write(srcs[i]);
        return total;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        return fs.size(file());
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        fs.truncate(file(), size);
        position = Math.min(position, size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (!isOpen()) throw new java.nio.channels.ClosedChannelException();
        fs.force(path, directory ? null : inode);
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
        return fs.read(file(), dst, at);
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
        return fs.write(file(), src, at);
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException("transferTo on a simulated file");
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) {
        throw new UnsupportedOperationException("transferFrom on a simulated file");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) {
        throw new UnsupportedOperationException("map on a simulated file");
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("lock on a simulated file (use SimFileSystem.lockDirectory)");
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("tryLock on a simulated file (use SimFileSystem.lockDirectory)");
    }

    @Override
    protected void implCloseChannel() {
        // nothing to release: the file lives in the SimFileSystem
    }
}
