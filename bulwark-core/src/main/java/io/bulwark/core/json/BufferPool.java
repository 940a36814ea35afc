package io.bulwark.core.json;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;

/**
 * Jackson's buffers, reused on virtual threads too.
 *
 * <p>Jackson keeps a parser's and a generator's buffers in a thread-local pool by default. The
 * server answers every request on a new virtual thread, so that pool never hands a buffer back
 * and each request allocated its 8-16 KB of buffers afresh (16% of a single enqueue's sampled
 * allocation). Platform threads keep the thread-local pool, which is the fastest for them;
 * virtual threads share one concurrent pool, as large as the most parsers open at once.
 *
 * <p>A buffer set taken from the shared pool is linked to it, so Jackson gives it back there when
 * the parser or generator closes, on whatever thread that happens.
 */
final class BufferPool implements RecyclerPool<BufferRecycler> {

    private static final long serialVersionUID = 1L;

    static final BufferPool INSTANCE = new BufferPool();

    private final transient RecyclerPool<BufferRecycler> platform = JsonRecyclerPools.threadLocalPool();
    private final transient RecyclerPool<BufferRecycler> shared = JsonRecyclerPools.newConcurrentDequePool();

    private BufferPool() {
    }

    /** The pool for the calling thread. */
    private RecyclerPool<BufferRecycler> pool() {
        return Thread.currentThread().isVirtual() ? shared : platform;
    }

    @Override
    public BufferRecycler acquireAndLinkPooled() {
        return pool().acquireAndLinkPooled();
    }

    @Override
    public BufferRecycler acquirePooled() {
        return pool().acquirePooled();
    }

    /**
     * Ignored. Jackson acquires linked buffer sets, and a linked set goes back to the pool it came
     * from without passing here. A set that arrived here unlinked could be a platform thread's
     * thread-local one, which must never be shared, so it is left to the collector.
     */
    @Override
    public void releasePooled(BufferRecycler recycler) {
    }

    @Override
    public int pooledCount() {
        return shared.pooledCount();
    }

    @Override
    public boolean clear() {
        return shared.clear();
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
