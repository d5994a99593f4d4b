package dev.llava4j.llava.eval.run;

/** Hears how far a run is. */
public interface ProgressListener {

    /**
     * @param total       questions selected for this run (answered before or not)
     * @param alreadyDone of those, the ones an earlier run answered
     */
    void start(int total, int alreadyDone);

    /** {@code count} more questions were answered. */
    void advance(int count);

    /** The run ended (normally or not). */
    void finish();

    ProgressListener NONE = new ProgressListener() {
        @Override
        public void start(int total, int alreadyDone) {
        }

        @Override
        public void advance(int count) {
        }

        @Override
        public void finish() {
        }
    };
}
