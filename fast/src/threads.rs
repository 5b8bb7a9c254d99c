//! Running parallel work on a chosen number of threads (tiktoken's `num_threads`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::{Error, Result};

/// Run `work` on a pool of `threads` threads, or on rayon's global pool (all cores) for `None`.
/// Pools are built once per size and kept: building one costs more than a small batch.
pub fn with_threads<R: Send>(threads: Option<usize>, work: impl FnOnce() -> R + Send) -> Result<R> {
    let Some(threads) = threads else {
        return Ok(work());
    };
    if threads == 0 {
        return Err(Error::InvalidArgument(
            "num_threads must be at least 1".into(),
        ));
    }
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(Default::default);
    let pool = {
        let mut map = pools
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match map.get(&threads) {
            Some(pool) => pool.clone(),
            None => {
                let pool = ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .map_err(|err| {
                        Error::InvalidArgument(format!("cannot start {threads} threads: {err}"))
                    })?;
                let pool = Arc::new(pool);
                map.insert(threads, pool.clone());
                pool
            }
        }
    };
    Ok(pool.install(work))
}
