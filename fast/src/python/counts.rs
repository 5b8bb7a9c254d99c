//! `Counts` and `count`: a corpus's piece counts (spec §4.1.1) held in the core, so that shards
//! counted anywhere can be added up and trained on without a Python dict of millions of pieces.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use super::args;
use super::learned::{train_and_convert, Learned};
use super::progress::PythonProgress;
use super::training::count_texts;
use crate::count::PieceCounts;
use crate::pattern::Splitter;
use crate::train::train_from_piece_counts_ref;

/// Counts travel as Arrow's int64 (spec §12.4), so no count may pass this.
const MAX_COUNT: u64 = i64::MAX as u64;

/// Distinct pieces and their counts. Immutable: `merge` makes a new table.
#[pyclass(name = "Counts", module = "bytebpe._fast", frozen)]
pub struct PyCounts {
    pub(super) table: PieceCounts,
}

#[pymethods]
impl PyCounts {
    fn __len__(&self) -> usize {
        self.table.len()
    }

    /// How often `piece` occurred; 0 if never.
    fn get(&self, piece: &Bound<'_, PyAny>) -> PyResult<u64> {
        let piece = piece.cast::<PyBytes>().map_err(|_| {
            PyTypeError::new_err(format!("pieces are bytes, not {}", args::type_name(piece)))
        })?;
        Ok(self.table.get(piece.as_bytes()))
    }

    /// The sum of the counts.
    fn total(&self) -> u128 {
        self.table.total()
    }

    /// A new table holding the sum of this one and `other`.
    fn merge(&self, py: Python<'_>, other: &Bound<'_, PyCounts>) -> PyResult<PyCounts> {
        let other = other.get();
        // Copy the larger table and add the smaller one into it: the work follows the smaller.
        let (large, small) = if self.table.len() >= other.table.len() {
            (&self.table, &other.table)
        } else {
            (&other.table, &self.table)
        };
        py.detach(|| {
            let mut table = large.clone();
            table
                .add_checked(small, MAX_COUNT)
                .map(|()| PyCounts { table })
        })
        .map_err(args::to_py_err)
    }

    /// Every (piece, count) as a list, in no particular order.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for (piece, count) in self.table.iter() {
            list.append(PyTuple::new(
                py,
                [
                    PyBytes::new(py, piece.as_ref()).into_any(),
                    count.into_pyobject(py)?.into_any(),
                ],
            )?)?;
        }
        Ok(list)
    }

    /// The table as Arrow's buffers of a `large_binary` and an `int64` column: the pieces'
    /// bytes end to end, n + 1 little-endian int64 offsets, n little-endian int64 counts.
    fn to_buffers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let n = self.table.len();
        let (data, offsets, counts) = py.detach(|| {
            let mut data = Vec::with_capacity(self.table.total_bytes());
            let mut offsets = Vec::with_capacity((n + 1) * 8);
            let mut counts = Vec::with_capacity(n * 8);
            offsets.extend_from_slice(&0i64.to_le_bytes());
            for (piece, count) in self.table.iter() {
                data.extend_from_slice(piece.as_ref());
                offsets.extend_from_slice(&(data.len() as i64).to_le_bytes());
                counts.extend_from_slice(&count.to_le_bytes());
            }
            (data, offsets, counts)
        });
        PyTuple::new(
            py,
            [
                PyBytes::new(py, &data),
                PyBytes::new(py, &offsets),
                PyBytes::new(py, &counts),
            ],
        )
    }

    /// A table from the buffers of [`to_buffers`](Self::to_buffers) (or of any Arrow table of
    /// spec §12.4), checked: offsets rise from 0 within the data, pieces are non-empty and
    /// distinct, counts are at least 1.
    #[staticmethod]
    fn from_buffers(
        py: Python<'_>,
        data: &Bound<'_, PyBytes>,
        offsets: &Bound<'_, PyBytes>,
        counts: &Bound<'_, PyBytes>,
    ) -> PyResult<PyCounts> {
        let (data, offsets, counts) = (data.as_bytes(), offsets.as_bytes(), counts.as_bytes());
        py.detach(|| table_from_buffers(data, offsets, counts))
            .map(|table| PyCounts { table })
            .map_err(PyValueError::new_err)
    }

    fn __repr__(&self) -> String {
        format!("<bytebpe._fast.Counts {} pieces>", self.table.len())
    }
}

fn int64s(bytes: &[u8]) -> impl Iterator<Item = i64> + '_ {
    bytes
        .chunks_exact(8)
        .map(|chunk| i64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])))
}

fn table_from_buffers(data: &[u8], offsets: &[u8], counts: &[u8]) -> Result<PieceCounts, String> {
    if !offsets.len().is_multiple_of(8)
        || !counts.len().is_multiple_of(8)
        || offsets.len() != counts.len() + 8
    {
        return Err(format!(
            "piece counts need n + 1 int64 offsets and n int64 counts; got {} and {} bytes",
            offsets.len(),
            counts.len()
        ));
    }
    let offsets: Vec<i64> = int64s(offsets).collect();
    if offsets[0] != 0 {
        return Err(format!("the first offset must be 0, not {}", offsets[0]));
    }
    let mut table = PieceCounts::new();
    for (i, count) in int64s(counts).enumerate() {
        let (start, end) = (offsets[i], offsets[i + 1]);
        if end <= start || end as u64 > data.len() as u64 {
            return Err(format!(
                "piece {i} spans bytes {start}..{end} of {}: pieces must be non-empty and within the data",
                data.len()
            ));
        }
        if count < 1 {
            return Err(format!(
                "piece {i} has count {count}; counts must be at least 1"
            ));
        }
        let piece = &data[start as usize..end as usize];
        if table.get(piece) != 0 {
            return Err(format!(
                "piece {:?} appears twice; each piece may appear once",
                String::from_utf8_lossy(piece)
            ));
        }
        table.add(piece, count as u64);
    }
    Ok(table)
}

/// The piece counts of an iterable of texts (spec §4.1.1), counted on all cores.
#[pyfunction]
#[pyo3(signature = (texts, *, pattern, progress = None))]
pub fn count(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    pattern: &Bound<'_, PyAny>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PyCounts> {
    let splitter = Splitter::cached(&args::pattern(pattern)?).map_err(args::to_py_err)?;
    let mut observer = PythonProgress::new(progress.filter(|p| !p.is_none(py)));
    let table = count_texts(py, texts, &splitter, &mut observer)?;
    Ok(PyCounts { table })
}

/// Learn merges from piece counts (spec §4.2-§4.6); the table is left as it was.
#[pyfunction]
#[pyo3(signature = (counts, vocab_size, *, min_frequency, max_token_length = None, progress = None))]
pub fn train_from_counts(
    py: Python<'_>,
    counts: &Bound<'_, PyAny>,
    vocab_size: &Bound<'_, PyAny>,
    min_frequency: &Bound<'_, PyAny>,
    max_token_length: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Learned> {
    let counts = counts.cast::<PyCounts>().map_err(|_| {
        PyTypeError::new_err(format!(
            "counts must be bytebpe._fast.Counts, not {}",
            args::type_name(counts)
        ))
    })?;
    let settings = args::MergeSettings::from_args(vocab_size, min_frequency, max_token_length)?;
    let observer = PythonProgress::new(progress.filter(|p| !p.is_none(py)));
    let table = &counts.get().table;
    train_and_convert(py, observer, |progress, learned| {
        train_from_piece_counts_ref(
            table,
            settings.vocab_size,
            settings.min_frequency,
            settings.max_token_length,
            progress,
            Some(learned),
        )
    })
}
