package dev.llava4j.tensor;

/**
 * Storage with a size but no memory: the placeholder of a parameter whose values will come from a checkpoint.
 * Building a 7B model on meta tensors costs nothing; reading one fails with a clear message.
 */
public final class MetaStorage extends Storage {
    public MetaStorage(long byteSize) {
        super(byteSize, Device.CPU);
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public void release() {
        // nothing allocated
    }
}
