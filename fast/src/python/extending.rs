//! `extend_from_counts(counts, encoder, vocab_size, ...)` (spec §4.7): the merges that continue
//! BPE from the encoder's model on piece counts, learned with the GIL released.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use super::args;
use super::counts::PyCounts;
use super::encoder::PyEncoder;
use super::progress::PythonProgress;
use crate::train::extend_from_words;

/// The merges `(left, right, count)` that extend the encoder's vocabulary on `counts` to at
/// most `vocab_size` ids; merge i makes id `n_vocab + i` (spec §4.7).
#[pyfunction]
#[pyo3(signature = (counts, encoder, vocab_size, *, min_frequency, max_token_length = None, progress = None))]
pub fn extend_from_counts(
    py: Python<'_>,
    counts: &Bound<'_, PyAny>,
    encoder: &Bound<'_, PyEncoder>,
    vocab_size: &Bound<'_, PyAny>,
    min_frequency: &Bound<'_, PyAny>,
    max_token_length: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<(u32, u32, u64)>> {
    let counts = counts.cast::<PyCounts>().map_err(|_| {
        PyTypeError::new_err(format!(
            "counts must be bytebpe._fast.Counts, not {}",
            args::type_name(counts)
        ))
    })?;
    let settings = args::MergeSettings::from_args(vocab_size, min_frequency, max_token_length)?;
    let mut observer = PythonProgress::new(progress.filter(|p| !p.is_none(py)));
    let table = &counts.get().table;
    let inner = &encoder.get().inner;
    let result = py.detach(|| {
        let pieces: Vec<_> = table.iter().collect();
        let words = inner.piece_words(&pieces);
        drop(pieces);
        extend_from_words(
            words,
            inner.rank_token_bytes(),
            settings.vocab_size,
            settings.min_frequency,
            settings.max_token_length,
            &mut observer,
            None,
        )
    });
    match result {
        Ok(merges) => Ok(merges.iter().map(|m| (m.left, m.right, m.count)).collect()),
        Err(err) => Err(observer.into_py_err(err)),
    }
}
