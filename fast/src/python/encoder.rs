//! `Encoder`: a rank table, special tokens and a split pattern (spec §5-§7), GIL released.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyList};

use super::args;
use super::id_list::{new_list, untracked};
use super::signal_check::SignalCheck;
use super::streamed_batch::encode_streamed;
use crate::encode::{Allowed, Encoder};
use crate::threads::{check_threads, SHARED_WORK_BYTES};

#[pyclass(name = "Encoder", module = "bytebpe._fast", frozen, subclass)]
pub struct PyEncoder {
    pub(super) inner: Arc<Encoder>,
    /// One Python int per id below [`INT_CACHE`]: a list of ids is then built by reference, not
    /// by allocating an int object per token (Python caches only the ints below 257), which
    /// otherwise costs about as much as encoding itself.
    ints: Vec<Py<PyAny>>,
}

const INT_CACHE: u32 = 1 << 18;
/// Decodings of at least this many bytes (a few microseconds of copying) let other Python
/// threads run while they are written.
const DETACH_BYTES: usize = 1 << 16;
/// Work of at least this many bytes of text (milliseconds: the offsets of one text, a batch
/// written flat) runs on a thread of its own, so that Ctrl-C lands while it runs; shorter work
/// is not worth the thread.
const INTERRUPTIBLE_BYTES: usize = 1 << 20;
/// One text of at least this many bytes (tens of microseconds) is encoded with the GIL released;
/// for a shorter one, releasing and taking back the GIL costs more than other threads would gain.
const DETACH_TEXT_BYTES: usize = 4096;

impl PyEncoder {
    /// The encoder itself, for the bindings of other files.
    pub(super) fn inner(&self) -> &Encoder {
        &self.inner
    }

    /// True when encoding texts of these lengths may take long enough to be interruptible: long
    /// texts, or any text under a pattern without a hand-written splitter (a backtracking search
    /// may take most of a second on a few bytes).
    pub(super) fn long_work(&self, bytes: impl Iterator<Item = usize>) -> bool {
        !self.inner.splits_in_linear_time() || bytes.sum::<usize>() >= INTERRUPTIBLE_BYTES
    }

    /// Encode one text on this thread, running the signal handlers between pieces (so Ctrl-C
    /// lands) and with the GIL released if the text is long or the pattern may backtrack.
    fn one_text<'py>(
        &self,
        py: Python<'py>,
        len: usize,
        work: impl FnOnce(&SignalCheck) -> crate::error::Result<Vec<u32>> + Send,
    ) -> PyResult<Bound<'py, PyList>> {
        let ids = self.on_this_thread(py, len, work)?;
        self.list(py, &ids)
    }

    /// Run `work` on `len` bytes of text on this thread, as [`PyEncoder::one_text`] does.
    pub(super) fn on_this_thread<T: Send>(
        &self,
        py: Python<'_>,
        len: usize,
        work: impl FnOnce(&SignalCheck) -> crate::error::Result<T> + Send,
    ) -> PyResult<T> {
        let check = SignalCheck::new();
        if len >= DETACH_TEXT_BYTES || !self.inner.splits_in_linear_time() {
            py.detach(|| {
                let result = work(&check);
                check.result(result)
            })
        } else {
            let result = work(&check);
            check.result(result)
        }
    }

    /// True for a batch too small to share: it runs on this thread as one text does, since
    /// handing it to a pool (or to a thread that waits for Ctrl-C) costs more than the work.
    pub(super) fn is_small(&self, threads: Option<usize>, bytes: usize) -> PyResult<bool> {
        check_threads(threads).map_err(args::to_py_err)?;
        Ok(bytes < SHARED_WORK_BYTES)
    }

    /// A Python list of the ids, built from the cached ints where there is one, and untracked by
    /// the cycle collector (it holds only ints).
    pub(super) fn list<'py>(&self, py: Python<'py>, ids: &[u32]) -> PyResult<Bound<'py, PyList>> {
        let items = ids.iter().map(|&id| match self.ints.get(id as usize) {
            Some(int) => int.bind(py).clone(),
            None => PyInt::new(py, id).into_any(),
        });
        new_list(py, items).map(untracked)
    }

    fn lists<'py>(&self, py: Python<'py>, batch: &[Vec<u32>]) -> PyResult<Bound<'py, PyList>> {
        let lists = batch
            .iter()
            .map(|ids| self.list(py, ids))
            .collect::<PyResult<Vec<_>>>()?;
        new_list(py, lists.into_iter().map(Bound::into_any))
    }
}

#[pymethods]
impl PyEncoder {
    #[new]
    #[pyo3(signature = (mergeable_ranks, pattern, special_tokens = None, merges = None, ignore_merges = None))]
    fn new(
        py: Python<'_>,
        mergeable_ranks: &Bound<'_, PyAny>,
        pattern: &Bound<'_, PyAny>,
        special_tokens: Option<&Bound<'_, PyAny>>,
        merges: Option<&Bound<'_, PyAny>>,
        ignore_merges: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let pattern = args::pattern(pattern)?;
        let table = args::ranks(mergeable_ranks)?;
        let specials = match special_tokens {
            Some(obj) if !obj.is_none() => args::specials(obj)?,
            _ => Vec::new(),
        };
        let ignore_merges = match ignore_merges {
            Some(obj) => args::flag(obj, "ignore_merges")?,
            None => false,
        };
        let merges = match merges {
            Some(obj) if !obj.is_none() => Some(args::merges(obj)?),
            _ => None,
        };
        let encoder = py
            .detach(|| Encoder::with_merge_list(table, specials, &pattern, merges, ignore_merges))
            .map_err(args::to_py_err)?;
        let ints = (0..=encoder.max_id().min(INT_CACHE - 1))
            .map(|id| PyInt::new(py, id).into_any().unbind())
            .collect();
        Ok(PyEncoder {
            inner: Arc::new(encoder),
            ints,
        })
    }

    /// The regex of the split pattern (a name resolved to its regex).
    #[getter]
    fn pattern(&self) -> &str {
        self.inner.pattern()
    }

    /// The merges the rank table implies (spec §5.3), in rank order; a merge-list model's merges
    /// in priority order (§6.8).
    fn merges(&self, py: Python<'_>) -> Vec<(u32, u32)> {
        let inner = &self.inner;
        py.detach(|| inner.merges())
    }

    /// Encode `text` with special-token strings as plain text (spec §6.4).
    fn encode_ordinary<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let text = args::text(text, "text")?;
        let inner = &self.inner;
        self.one_text(py, text.len(), |check| {
            inner.encode_ordinary_cancellable(&text, check)
        })
    }

    #[pyo3(signature = (texts, num_threads = None))]
    fn encode_ordinary_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        num_threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let texts = args::texts(texts)?;
        let threads = args::threads(num_threads)?;
        let inner = &self.inner;
        let bytes = texts.iter().map(|text| text.len()).sum();
        if self.is_small(threads, bytes)? {
            let batch: Vec<Vec<u32>> = self.on_this_thread(py, bytes, |check| {
                texts
                    .iter()
                    .map(|text| inner.encode_ordinary_cancellable(text, check))
                    .collect()
            })?;
            return self.lists(py, &batch);
        }
        encode_streamed(
            py,
            &texts,
            threads,
            |text, cancel| inner.encode_ordinary_cancellable(text, cancel),
            |ids| self.list(py, ids),
        )
    }

    /// Encode `text`, recognising the special tokens in `allowed_special` (spec §6.5).
    fn encode<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        allowed_special: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let text = args::text(text, "text")?;
        let names = args::allowed_special(allowed_special)?;
        let names = args::allowed_names(&names);
        let allowed = Allowed::from(names.as_deref());
        let inner = &self.inner;
        self.one_text(py, text.len(), |check| {
            inner.encode_cancellable(&text, allowed, check)
        })
    }

    #[pyo3(signature = (texts, allowed_special, num_threads = None))]
    fn encode_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        allowed_special: &Bound<'py, PyAny>,
        num_threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let texts = args::texts(texts)?;
        let names = args::allowed_special(allowed_special)?;
        let names = args::allowed_names(&names);
        let allowed = Allowed::from(names.as_deref());
        let threads = args::threads(num_threads)?;
        let inner = &self.inner;
        let bytes = texts.iter().map(|text| text.len()).sum();
        if self.is_small(threads, bytes)? {
            let batch: Vec<Vec<u32>> = self.on_this_thread(py, bytes, |check| {
                texts
                    .iter()
                    .map(|text| inner.encode_cancellable(text, allowed, check))
                    .collect()
            })?;
            return self.lists(py, &batch);
        }
        encode_streamed(
            py,
            &texts,
            threads,
            |text, cancel| inner.encode_cancellable(text, allowed, cancel),
            |ids| self.list(py, ids),
        )
    }

    /// The concatenated bytes of the tokens (spec §7); KeyError for an unknown id.
    fn decode_bytes<'py>(
        &self,
        py: Python<'py>,
        ids: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let ids = args::ids(ids)?;
        let inner = &self.inner;
        let len = inner.decoded_len(&ids).map_err(args::to_py_err)?;
        // The bytes are written straight into the new bytes object, which nothing else can
        // see yet, so a long decoding can let other threads run meanwhile.
        PyBytes::new_with(py, len, |out| {
            if len >= DETACH_BYTES {
                py.detach(|| inner.decode_into(&ids, out));
            } else {
                inner.decode_into(&ids, out);
            }
            Ok(())
        })
    }
}
