//! `encode_ordinary_flat`: a batch encode into one flat buffer of ids and one of document
//! offsets, so that writing token shards or feeding a training loop builds no Python list per
//! document. The ids are packed as little-endian `uint16` or `uint32`, as the shard formats and
//! numpy store them.

use std::sync::atomic::AtomicBool;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::args;
use super::encoder::PyEncoder;
use super::progress::interruptible;
use crate::threads::with_threads;

/// Encode `texts` (special-token strings as plain text, spec §6.4), put `prepend` before and
/// `append` after each encoding, and return `(ids, offsets)`: the ids of all texts one after the
/// other, `width` bytes each, and `len(texts) + 1` little-endian `uint64` offsets (in ids) where
/// each text's ids start, the last being the total. An id that does not fit in `width` bytes is
/// a ValueError naming it.
#[pyfunction]
#[pyo3(signature = (encoder, texts, num_threads = None, prepend = None, append = None, width = 4))]
pub fn encode_ordinary_flat<'py>(
    py: Python<'py>,
    encoder: &Bound<'py, PyEncoder>,
    texts: &Bound<'py, PyAny>,
    num_threads: Option<&Bound<'py, PyAny>>,
    prepend: Option<u32>,
    append: Option<u32>,
    width: usize,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    check_width(width)?;
    let texts = args::texts(texts)?;
    let threads = args::threads(num_threads)?;
    let encoder = encoder.get();
    let inner = encoder.inner();
    let bytes = texts.iter().map(|text| text.len()).sum();
    let work = |cancel: &AtomicBool| {
        with_threads(threads, || inner.encode_ordinary_batch(&texts, cancel))?
    };
    let batch = if encoder.is_small(threads, bytes)? {
        encoder.on_this_thread(py, bytes, |check| {
            texts
                .iter()
                .map(|text| inner.encode_ordinary_cancellable(text, check))
                .collect()
        })?
    } else if encoder.long_work(texts.iter().map(|text| text.len())) {
        interruptible(py, work)?
    } else {
        py.detach(|| work(&AtomicBool::new(false)))
            .map_err(args::to_py_err)?
    };
    let (ids, offsets) = py.detach(|| flatten(&batch, prepend, append, width))?;
    Ok((PyBytes::new(py, &ids), PyBytes::new(py, &offsets)))
}

/// ValueError unless `width` is 2 (uint16) or 4 (uint32).
pub(super) fn check_width(width: usize) -> PyResult<()> {
    if width != 2 && width != 4 {
        return Err(PyValueError::new_err(format!(
            "width must be 2 (uint16) or 4 (uint32), not {width}"
        )));
    }
    Ok(())
}

/// The packed ids and offsets of [`encode_ordinary_flat`].
pub(super) fn flatten(
    batch: &[Vec<u32>],
    prepend: Option<u32>,
    append: Option<u32>,
    width: usize,
) -> PyResult<(Vec<u8>, Vec<u8>)> {
    let extra = usize::from(prepend.is_some()) + usize::from(append.is_some());
    let total: usize = batch.iter().map(|ids| ids.len() + extra).sum();
    let mut ids = Vec::new();
    ids.try_reserve_exact(total * width)
        .map_err(|_| pyo3::exceptions::PyMemoryError::new_err("no memory for the flat ids"))?;
    let mut offsets = Vec::with_capacity((batch.len() + 1) * 8);
    let mut count: u64 = 0;
    offsets.extend_from_slice(&count.to_le_bytes());
    for encoding in batch {
        let all = prepend.iter().chain(encoding).chain(append.iter());
        for &id in all {
            if width == 2 {
                let narrow = u16::try_from(id).map_err(|_| {
                    PyValueError::new_err(format!("id {id} does not fit in uint16 (at most 65535)"))
                })?;
                ids.extend_from_slice(&narrow.to_le_bytes());
            } else {
                ids.extend_from_slice(&id.to_le_bytes());
            }
        }
        count += (encoding.len() + extra) as u64;
        offsets.extend_from_slice(&count.to_le_bytes());
    }
    Ok((ids, offsets))
}
