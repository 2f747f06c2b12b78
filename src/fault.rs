//! A test-only fault hook: with `REVMENTOR_FAULT=<point>` set, the process aborts at that write point,
//! so crash-safety tests can show every file is left whole. Inert when the variable is unset.

/// Abort the process here if `REVMENTOR_FAULT` names this point (optionally `point:N` for the N-th time).
#[allow(clippy::disallowed_methods)] // the test hook reads its own variable
pub fn point(name: &str) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static HITS: AtomicUsize = AtomicUsize::new(0);
    let Ok(wanted) = std::env::var("REVMENTOR_FAULT") else {
        return;
    };
    let (wanted_name, nth) = match wanted.split_once(':') {
        Some((n, k)) => (n.to_string(), k.parse::<usize>().unwrap_or(1)),
        None => (wanted, 1),
    };
    if wanted_name == name {
        let hit = HITS.fetch_add(1, Ordering::SeqCst) + 1;
        if hit == nth {
            std::process::abort();
        }
    }
}
