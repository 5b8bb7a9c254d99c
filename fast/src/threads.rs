//! The thread pools that parallel work runs on (all cores, or tiktoken's `num_threads`).
//!
//! Two rules shape them:
//!
//! * They survive `fork()`. A forked child holds only the thread that forked, so a pool made
//!   before the fork has no threads in the child and any work handed to it waits forever. Rayon's
//!   global pool cannot be rebuilt, so it is never used: every pool is one of ours, kept with
//!   the id of the process that made it, and a child that finds pools of another process leaves
//!   them be (their threads do not exist; dropping them would signal sleepers that are not there)
//!   and builds its own. This is what PyTorch's DataLoader workers and `multiprocessing` pools
//!   started by fork need.
//! * They are few. A pool per distinct `num_threads` kept for ever would hold thousands of
//!   threads after a sweep over thread counts; at most [`SIZED_POOLS`] sized pools are kept (the
//!   ones used last) beside the default one, and a pool that drops out ends its threads once
//!   the work already running on it is done.

use std::sync::{Arc, Mutex, MutexGuard};

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::{Error, Result};

/// How many pools of a chosen size are kept besides the default one.
pub const SIZED_POOLS: usize = 4;
/// The most threads one call may ask for (as tiktoken's `num_threads` is bounded).
pub const MAX_THREADS: usize = 1024;

/// The pools of one process.
struct Pools {
    pid: u32,
    /// Sized by rayon's rule: `RAYON_NUM_THREADS`, else every core.
    default: Option<Arc<ThreadPool>>,
    /// (threads, pool), the one used last at the end.
    sized: Vec<(usize, Arc<ThreadPool>)>,
}

static POOLS: Mutex<Option<Pools>> = Mutex::new(None);

/// Run `work` on a pool of `threads` threads, or of the default size for `None`. Work that is
/// already running on one of the pools stays on it when it asks for the default size, so that
/// parallel work nested in parallel work does not wait on a pool of its own.
pub fn with_threads<R: Send>(threads: Option<usize>, work: impl FnOnce() -> R + Send) -> Result<R> {
    check_threads(threads)?;
    if threads.is_none() && rayon::current_thread_index().is_some() {
        return Ok(work());
    }
    Ok(pool(threads)?.install(work))
}

/// Run `work` on this thread inside a scope of the pool [`with_threads`] would use: what it
/// spawns runs on the pool while this thread goes on with its own part (the Python side of a
/// batch, which needs the thread that holds the GIL). Returns once the spawned work is done too.
pub fn in_pool_scope<'scope, R>(
    threads: Option<usize>,
    work: impl FnOnce(&rayon::Scope<'scope>) -> R,
) -> Result<R> {
    check_threads(threads)?;
    if threads.is_none() && rayon::current_thread_index().is_some() {
        return Ok(rayon::in_place_scope(work));
    }
    Ok(pool(threads)?.in_place_scope(work))
}

/// Work on fewer bytes of text than this runs on the calling thread: handing it to a pool and
/// waiting for it costs more than sharing it saves (a sleeping pool thread must be woken and
/// scheduled, which on a busy machine takes far longer than encoding a few documents).
pub const SHARED_WORK_BYTES: usize = 8 * 1024;

/// An error for a `num_threads` outside 1..=[`MAX_THREADS`].
pub fn check_threads(threads: Option<usize>) -> Result<()> {
    match threads {
        Some(threads) if threads == 0 || threads > MAX_THREADS => Err(Error::InvalidArgument(
            format!("num_threads must be in 1..={MAX_THREADS}, got {threads}"),
        )),
        _ => Ok(()),
    }
}

/// The threads the pools of this process hold now (the tests check that they stay bounded).
pub fn pooled_threads() -> usize {
    let pools = pools_of_this_process();
    let default = pools
        .default
        .as_ref()
        .map_or(0, |p| p.current_num_threads());
    default
        + pools
            .sized
            .iter()
            .map(|(_, p)| p.current_num_threads())
            .sum::<usize>()
}

fn pool(threads: Option<usize>) -> Result<Arc<ThreadPool>> {
    {
        let mut pools = pools_of_this_process();
        let found = match threads {
            None => pools.default.clone(),
            Some(n) => pools
                .sized
                .iter()
                .position(|(size, _)| *size == n)
                .map(|at| {
                    let entry = pools.sized.remove(at);
                    let found = entry.1.clone();
                    pools.sized.push(entry);
                    found
                }),
        };
        if let Some(found) = found {
            return Ok(found);
        }
    }
    // Built without the lock: starting threads takes a while, and a fork in another thread
    // meanwhile must not find the lock held (the child would wait on it for ever).
    let built = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(threads.unwrap_or(0))
            .thread_name(|i| format!("bytebpe-{i}"))
            .build()
            .map_err(|err| {
                Error::OutOfMemory(format!("cannot start the threads to work on: {err}"))
            })?,
    );
    let mut pools = pools_of_this_process();
    let kept = match threads {
        None => pools.default.get_or_insert_with(|| built.clone()).clone(),
        Some(n) => {
            // Another thread may have built the same size meanwhile: keep one of the two.
            if let Some(at) = pools.sized.iter().position(|(size, _)| *size == n) {
                pools.sized.remove(at);
            }
            pools.sized.push((n, built.clone()));
            if pools.sized.len() > SIZED_POOLS {
                // Its threads end when the last call that holds it returns.
                pools.sized.remove(0);
            }
            built
        }
    };
    Ok(kept)
}

/// The pools, for this process: those of a parent that forked us are let go without a drop.
fn pools_of_this_process() -> PoolsGuard {
    // A panic while holding this lock cannot leave the pools inconsistent: recover it.
    let mut guard = POOLS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let pid = std::process::id();
    if guard.as_ref().is_none_or(|pools| pools.pid != pid) {
        if let Some(inherited) = guard.take() {
            std::mem::forget(inherited);
        }
        *guard = Some(Pools {
            pid,
            default: None,
            sized: Vec::new(),
        });
    }
    PoolsGuard(guard)
}

struct PoolsGuard(MutexGuard<'static, Option<Pools>>);

impl std::ops::Deref for PoolsGuard {
    type Target = Pools;
    fn deref(&self) -> &Pools {
        self.0.as_ref().expect("set by pools_of_this_process")
    }
}

impl std::ops::DerefMut for PoolsGuard {
    fn deref_mut(&mut self) -> &mut Pools {
        self.0.as_mut().expect("set by pools_of_this_process")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_over_thread_counts_keeps_few_pools() {
        for threads in 1..=12 {
            let seen = with_threads(Some(threads), rayon::current_num_threads).unwrap();
            assert_eq!(seen, threads);
        }
        // The last SIZED_POOLS sizes (9..=12) and perhaps the default pool of another test.
        let sized: usize = (9..=12).sum();
        let default = with_threads(None, rayon::current_num_threads).unwrap();
        assert!(pooled_threads() <= sized + default, "{}", pooled_threads());
    }

    #[test]
    fn zero_and_too_many_threads_are_refused() {
        for threads in [0, MAX_THREADS + 1] {
            assert!(matches!(
                with_threads(Some(threads), || ()),
                Err(Error::InvalidArgument(_))
            ));
        }
    }

    #[test]
    fn nested_default_work_stays_on_its_pool() {
        let inner = with_threads(Some(3), || {
            with_threads(None, rayon::current_num_threads).unwrap()
        });
        assert_eq!(inner.unwrap(), 3);
    }
}
