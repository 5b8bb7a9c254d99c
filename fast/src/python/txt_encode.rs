//! `encode_txt_flat`: a `bytebpe.Corpus` of .txt files read and encoded entirely in Rust, each
//! batch handed to Python already packed as `encode_ordinary_flat` packs it, so that writing token
//! shards builds no Python str per document and reading does not compete with encoding for the GIL.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::args;
use super::encoder::PyEncoder;
use super::flat::{check_width, flatten};
use super::txt_files::options;
use crate::error::Error;
use crate::threads::with_threads;
use crate::txt::for_each_txt_batch;

/// Read the documents of `files` as `bytebpe.corpus` reads .txt files, leave out the first
/// `skip`, encode the rest (special-token strings as plain text, spec §6.4) and call
/// `sink(ids, offsets, bytes_read)` with each batch, packed as `encode_ordinary_flat` returns it.
/// An exception raised by `sink`, or Ctrl-C, stops the reading and is raised here.
#[pyfunction]
#[pyo3(signature = (encoder, files, sink, *, txt_split, doc_cap, max_chars, errors, skip = 0, num_threads = None, prepend = None, append = None, width = 4))]
#[allow(clippy::too_many_arguments)]
pub fn encode_txt_flat(
    py: Python<'_>,
    encoder: &Bound<'_, PyEncoder>,
    files: Vec<String>,
    sink: Py<PyAny>,
    txt_split: &str,
    doc_cap: Option<usize>,
    max_chars: Option<u64>,
    errors: &str,
    skip: u64,
    num_threads: Option<&Bound<'_, PyAny>>,
    prepend: Option<u32>,
    append: Option<u32>,
    width: usize,
) -> PyResult<()> {
    check_width(width)?;
    let options = options(txt_split, doc_cap, max_chars, errors)?;
    let threads = args::threads(num_threads)?;
    let encoder = encoder.get();
    let inner = encoder.inner();
    let cancel = AtomicBool::new(false);
    let read = AtomicU64::new(0);
    let (wanted, mut skip) = (skip, skip);
    let mut python_error: Option<PyErr> = None;
    let outcome = py.detach(|| {
        for_each_txt_batch(&files, &options, &cancel, &read, |texts| {
            let first = usize::try_from(skip).unwrap_or(usize::MAX).min(texts.len());
            skip -= first as u64;
            let batch = with_threads(threads, || {
                inner.encode_ordinary_batch(&texts[first..], &cancel)
            })??;
            let packed = flatten(&batch, prepend, append, width);
            drop(batch);
            let handed = Python::attach(|py| {
                let (ids, offsets) = packed?;
                py.check_signals()?;
                let done = read.load(Ordering::Relaxed);
                sink.call1(
                    py,
                    (PyBytes::new(py, &ids), PyBytes::new(py, &offsets), done),
                )?;
                py.check_signals()
            });
            handed.map_err(|err| {
                python_error = Some(err);
                Error::Interrupted
            })
        })
    });
    match (outcome, python_error) {
        (Ok(()), _) if skip > 0 => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "the corpus has fewer documents than the {} the shards already hold: it changed",
            wanted
        ))),
        (Ok(()), _) => Ok(()),
        (Err(_), Some(err)) => Err(err),
        (Err(err), None) => Err(args::to_py_err(err)),
    }
}
