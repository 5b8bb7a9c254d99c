//! The Python module `bytebpe._fast`. These files convert arguments, map errors to the
//! exceptions of spec §9 and release the GIL around the work; the work itself lives in the
//! plain-Rust modules.

mod args;
mod counts;
mod encoder;
mod extending;
mod flat;
mod id_list;
mod learned;
mod offsets;
mod pattern_tree;
mod progress;
mod signal_check;
mod streamed_batch;
mod training;
mod txt_encode;
mod txt_files;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::pattern::{named, Splitter};
use crate::unicode::UNICODE_VERSION;

/// Split `text` into pieces with `pattern` (spec §2).
#[pyfunction]
fn split<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    pattern: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let text = args::text(text, "text")?;
    let splitter = Splitter::cached(&args::pattern(pattern)?).map_err(args::to_py_err)?;
    let pieces = py
        .detach(|| splitter.split(&text))
        .map_err(args::to_py_err)?;
    PyList::new(py, pieces)
}

#[pymodule]
fn _fast(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(split, m)?)?;
    m.add_function(wrap_pyfunction!(training::train, m)?)?;
    m.add_function(wrap_pyfunction!(pattern_tree::parse_pattern, m)?)?;
    m.add_function(wrap_pyfunction!(counts::count, m)?)?;
    m.add_function(wrap_pyfunction!(counts::train_from_counts, m)?)?;
    m.add_function(wrap_pyfunction!(txt_files::count_txt, m)?)?;
    m.add_function(wrap_pyfunction!(txt_files::train_txt, m)?)?;
    m.add_function(wrap_pyfunction!(flat::encode_ordinary_flat, m)?)?;
    m.add_function(wrap_pyfunction!(offsets::encode_with_offsets, m)?)?;
    m.add_function(wrap_pyfunction!(extending::extend_from_counts, m)?)?;
    m.add_function(wrap_pyfunction!(txt_encode::encode_txt_flat, m)?)?;
    m.add_class::<counts::PyCounts>()?;
    m.add_class::<encoder::PyEncoder>()?;
    let patterns = PyDict::new(py);
    for (name, regex) in named::PATTERNS {
        patterns.set_item(name, regex)?;
    }
    m.add("PATTERNS", patterns)?;
    m.add("DEFAULT_PATTERN", named::DEFAULT_PATTERN)?;
    m.add("UNICODE_VERSION", UNICODE_VERSION)?;
    Ok(())
}
