//! The threads large jobs share: the pricing passes of a large match (see `assign::pricing`),
//! reading a large participants file beside the characteristics, each in two halves (see
//! `cohort::Cohort::parse`) and writing a large proposal's pairs in two halves (see
//! `matching::propose`). Started once and waiting between jobs: a thread started while this
//! one works can start milliseconds late on a virtual machine with two cores, and the job would
//! wait for it; one woken from waiting starts in microseconds.

use std::sync::OnceLock;

/// Most threads a job uses.
const MAX_THREADS: usize = 8;

/// The threads (one per core, up to [`MAX_THREADS`], the program's main thread among them when
/// it is the first to ask), started on first use; `None` on one core, or where the system would
/// not start them (then every job runs on the calling thread).
pub fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS));
        (cores >= 2)
            .then(|| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(cores)
                    .thread_name(|k| format!("revmentor-pricing-{k}"));
                // The program's main thread, which lives as long as the pool, works in it
                // rather than waiting for it (one thread fewer, and its memory).
                let pool = if std::thread::current().name() == Some("main") {
                    pool.use_current_thread()
                } else {
                    pool
                };
                pool.build().ok()
            })
            .flatten()
    })
    .as_ref()
}

/// Starts the threads, so that they are waiting by the time a large job comes: a command about
/// to read a large cohort and match it calls it first. Starting them costs a fraction of a
/// millisecond.
pub fn start() {
    pool();
}

/// `a()` and `b()`, side by side on the [`pool`] when `large` and there are threads, else one
/// after the other on this thread.
pub fn join<A: Send, B: Send>(
    large: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    match pool().filter(|_| large) {
        Some(pool) => pool.join(a, b),
        None => (a(), b()),
    }
}
