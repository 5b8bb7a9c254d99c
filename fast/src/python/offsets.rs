//! `encode_with_offsets(encoder, text, allowed_special)` (spec §6.12): the encoder's ids with
//! each token's byte span and character span, as three lists.

use std::sync::atomic::AtomicBool;

use pyo3::prelude::*;
use pyo3::types::PyList;

use super::args;
use super::encoder::PyEncoder;
use super::progress::interruptible;
use crate::encode::{Allowed, Offsets};

type Lists<'py> = (Bound<'py, PyList>, Bound<'py, PyList>, Bound<'py, PyList>);

/// The ids of `encoder.encode(text, allowed_special)`, each token's byte span in the text's
/// UTF-8 and its character span (spec §6.12).
#[pyfunction]
pub fn encode_with_offsets<'py>(
    py: Python<'py>,
    encoder: &Bound<'py, PyEncoder>,
    text: &Bound<'py, PyAny>,
    allowed_special: &Bound<'py, PyAny>,
) -> PyResult<Lists<'py>> {
    let text = args::text(text, "text")?;
    let names = args::allowed_special(allowed_special)?;
    let names = args::allowed_names(&names);
    let allowed = Allowed::from(names.as_deref());
    let this = encoder.get();
    let inner = &this.inner;
    let work = |cancel: &AtomicBool| inner.encode_with_offsets(&text, allowed, cancel);
    let Offsets { ids, bytes, chars } = if this.long_work(std::iter::once(text.len())) {
        interruptible(py, work)?
    } else {
        py.detach(|| work(&AtomicBool::new(false)))
            .map_err(args::to_py_err)?
    };
    Ok((
        this.list(py, &ids)?,
        PyList::new(py, bytes)?,
        PyList::new(py, chars)?,
    ))
}
