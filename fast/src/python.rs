//! The Python module `bytebpe._fast`. Everything here converts arguments, maps errors to the
//! exceptions of spec §9, and releases the GIL around the work; the work itself lives in the
//! plain-Rust modules.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyDict, PyIterator, PyList, PyString, PyTuple};

use crate::count::PieceCounter;
use crate::encode::Encoder;
use crate::error::Error;
use crate::pattern::{named, syntax, Splitter};
use crate::progress::{Progress, Stage};
use crate::train::train_from_counts;
use crate::unicode::UNICODE_VERSION;

/// Texts are pulled from the iterator in batches of about this many bytes, then counted with
/// the GIL released; memory for texts stays bounded whatever the corpus size.
const BATCH_BYTES: usize = 16 << 20;
const BATCH_TEXTS: usize = 1 << 16;
/// How often long work takes the GIL back to run signal handlers and report progress.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

fn to_py_err(err: Error) -> PyErr {
    match err {
        Error::UnknownToken { .. } => PyKeyError::new_err(err.to_string()),
        _ => PyValueError::new_err(err.to_string()),
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// A text as UTF-8 that outlives the GIL, or the TypeError/ValueError of spec §1.
fn text_arg(obj: &Bound<'_, PyAny>, where_: &str) -> PyResult<PyBackedStr> {
    let string = obj.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{where_} is {}, expected str", type_name(obj)))
    })?;
    PyBackedStr::try_from(string.clone()).map_err(|err| {
        let py = obj.py();
        let index = err
            .value(py)
            .getattr("start")
            .and_then(|s| s.extract::<usize>())
            .unwrap_or(0);
        let code_point = obj
            .get_item(index)
            .and_then(|ch| {
                py.import("builtins")?
                    .getattr("ord")?
                    .call1((ch,))?
                    .extract::<u32>()
            })
            .unwrap_or(0xD800);
        PyValueError::new_err(format!(
            "{where_} holds the surrogate code point U+{code_point:04X} at index {index}; texts must be valid Unicode"
        ))
    })
}

fn pattern_arg(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    obj.extract::<String>().map_err(|_| {
        PyTypeError::new_err(format!(
            "pattern must be a str (a name from bytebpe.PATTERNS or a regex), not {}",
            type_name(obj)
        ))
    })
}

/// A non-negative int argument (bools rejected), with spec §9's TypeError/ValueError.
fn int_arg(obj: &Bound<'_, PyAny>, name: &str, minimum: u64, maximum: u64) -> PyResult<u64> {
    let is_int =
        obj.is_instance_of::<pyo3::types::PyInt>() && !obj.is_instance_of::<pyo3::types::PyBool>();
    if !is_int {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, not {}",
            type_name(obj)
        )));
    }
    match obj.extract::<i128>() {
        Ok(n) if n >= i128::from(minimum) && n <= i128::from(maximum) => Ok(n as u64),
        Ok(n) if n < i128::from(minimum) => Err(PyValueError::new_err(format!(
            "{name} must be at least {minimum}, got {n}"
        ))),
        _ => Err(PyValueError::new_err(format!(
            "{name} must be at most {maximum}, got {obj}"
        ))),
    }
}

fn texts_iter<'py>(texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyIterator>> {
    if texts.is_instance_of::<PyString>() || texts.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "texts must be an iterable of str, not a single {}; wrap it in a list",
            type_name(texts)
        )));
    }
    texts.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "texts must be an iterable of str, not {}",
            type_name(texts)
        ))
    })
}

/// Pull the next bounded batch of texts; `seen` counts texts pulled before.
fn next_batch(iter: &Bound<'_, PyIterator>, seen: u64) -> PyResult<Vec<PyBackedStr>> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    for item in iter.clone() {
        let text = text_arg(&item?, &format!("texts[{}]", seen + batch.len() as u64))?;
        bytes += text.len();
        batch.push(text);
        if bytes >= BATCH_BYTES || batch.len() >= BATCH_TEXTS {
            break;
        }
    }
    Ok(batch)
}

/// Progress for work that runs with the GIL released: every [`PROGRESS_INTERVAL`] it takes the
/// GIL back, runs pending signal handlers (so Ctrl-C stops training) and calls the callback.
struct PythonProgress {
    callback: Option<Py<PyAny>>,
    last: Instant,
    error: Option<PyErr>,
}

impl PythonProgress {
    fn new(callback: Option<Py<PyAny>>) -> Self {
        PythonProgress {
            callback,
            last: Instant::now(),
            error: None,
        }
    }

    fn report(&mut self, py: Python<'_>, stage: Stage, done: u64, total: u64) -> PyResult<()> {
        py.check_signals()?;
        if let Some(callback) = &self.callback {
            callback.call1(py, (stage.name(), done, total))?;
        }
        self.last = Instant::now();
        Ok(())
    }

    /// The Python error that stopped the work, or the core's own error.
    fn into_py_err(self, err: Error) -> PyErr {
        match (err, self.error) {
            (Error::Interrupted, Some(py_err)) => py_err,
            (err, _) => to_py_err(err),
        }
    }
}

impl Progress for PythonProgress {
    fn update(&mut self, stage: Stage, done: u64, total: u64) -> crate::error::Result<()> {
        let finished = total > 0 && done == total;
        if self.last.elapsed() < PROGRESS_INTERVAL && !finished {
            return Ok(());
        }
        Python::attach(|py| self.report(py, stage, done, total)).map_err(|err| {
            self.error = Some(err);
            Error::Interrupted
        })
    }
}

/// Split `text` into pieces with `pattern` (spec §2).
#[pyfunction]
fn split<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    pattern: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let text = text_arg(text, "text")?;
    let splitter = Splitter::cached(&pattern_arg(pattern)?).map_err(to_py_err)?;
    let pieces = py.detach(|| splitter.split(&text)).map_err(to_py_err)?;
    PyList::new(py, pieces)
}

/// Learn merges from an iterable of texts (spec §4); returns `(left, right, count)` per merge.
#[pyfunction]
#[pyo3(signature = (texts, vocab_size, *, pattern, min_frequency, progress = None))]
fn train(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    vocab_size: &Bound<'_, PyAny>,
    pattern: &Bound<'_, PyAny>,
    min_frequency: &Bound<'_, PyAny>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<(u32, u32, u64)>> {
    let vocab_size = int_arg(vocab_size, "vocab_size", 256, u64::from(u32::MAX))? as u32;
    let min_frequency = int_arg(min_frequency, "min_frequency", 0, u64::MAX)?;
    let pattern = pattern_arg(pattern)?;
    let splitter = Splitter::cached(&pattern).map_err(to_py_err)?;
    let iter = texts_iter(texts)?;
    let mut observer = PythonProgress::new(progress);
    let mut counter = PieceCounter::new(&splitter);
    loop {
        let batch = next_batch(&iter, counter.texts_seen())?;
        if batch.is_empty() {
            break;
        }
        py.detach(|| counter.add_batch(&batch)).map_err(to_py_err)?;
        observer.report(py, Stage::Counting, counter.texts_seen(), 0)?;
    }
    let counts = counter.into_counts();
    let result = py.detach(|| {
        train_from_counts(
            counts.iter().map(|(piece, &count)| (&piece[..], count)),
            vocab_size,
            min_frequency,
            &mut observer,
        )
    });
    py.detach(move || drop(counts));
    match result {
        Ok(merges) => Ok(merges
            .into_iter()
            .map(|m| (m.left, m.right, m.count))
            .collect()),
        Err(err) => Err(observer.into_py_err(err)),
    }
}

/// Encodes and decodes with a rank table and a split pattern (spec §5-§7).
#[pyclass(name = "Encoder", module = "bytebpe._fast", frozen, subclass)]
struct PyEncoder {
    inner: Arc<Encoder>,
}

#[pymethods]
impl PyEncoder {
    #[new]
    fn new(
        py: Python<'_>,
        mergeable_ranks: &Bound<'_, PyAny>,
        pattern: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let pattern = pattern_arg(pattern)?;
        let ranks = mergeable_ranks.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "mergeable_ranks must be a dict of bytes to int, not {}",
                type_name(mergeable_ranks)
            ))
        })?;
        let mut table = Vec::with_capacity(ranks.len());
        for (token, rank) in ranks.iter() {
            let token_bytes = token.cast::<PyBytes>().ok();
            let is_rank = rank.is_instance_of::<pyo3::types::PyInt>()
                && !rank.is_instance_of::<pyo3::types::PyBool>();
            let (Some(token_bytes), true) = (token_bytes, is_rank) else {
                return Err(PyTypeError::new_err(format!(
                    "mergeable_ranks must map bytes to int; found {}: {}",
                    token.repr()?,
                    rank.repr()?
                )));
            };
            let rank = match rank.extract::<i128>() {
                Ok(r) if (0..=i128::from(u32::MAX)).contains(&r) => r as u32,
                _ => {
                    return Err(PyValueError::new_err(format!(
                        "rank {rank} of token {} is out of range; ranks must be in 0..2**32-1",
                        token.repr()?
                    )))
                }
            };
            table.push((token_bytes.as_bytes().to_vec(), rank));
        }
        let encoder = py
            .detach(|| Encoder::new(table, &pattern))
            .map_err(to_py_err)?;
        Ok(PyEncoder {
            inner: Arc::new(encoder),
        })
    }

    /// The regex of the split pattern (a name resolved to its regex).
    #[getter]
    fn pattern(&self) -> &str {
        self.inner.pattern()
    }

    /// The merges the rank table implies (spec §5.3), in rank order.
    fn merges(&self, py: Python<'_>) -> Vec<(u32, u32)> {
        let inner = &self.inner;
        py.detach(|| inner.merges())
    }

    fn encode_ordinary(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
        let text = text_arg(text, "text")?;
        let inner = &self.inner;
        py.detach(|| inner.encode_ordinary(&text))
            .map_err(to_py_err)
    }

    fn encode_ordinary_batch(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<Vec<u32>>> {
        let texts: Vec<PyBackedStr> = texts_iter(texts)?
            .enumerate()
            .map(|(i, item)| text_arg(&item?, &format!("texts[{i}]")))
            .collect::<PyResult<_>>()?;
        let inner = &self.inner;
        py.detach(|| inner.encode_ordinary_batch(&texts))
            .map_err(to_py_err)
    }

    fn decode_bytes<'py>(
        &self,
        py: Python<'py>,
        ids: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let mut parsed = Vec::new();
        let iter = ids.try_iter().map_err(|_| {
            PyTypeError::new_err(format!(
                "ids must be an iterable of int, not {}",
                type_name(ids)
            ))
        })?;
        for (position, item) in iter.enumerate() {
            let item = item?;
            if !item.is_instance_of::<pyo3::types::PyInt>()
                || item.is_instance_of::<pyo3::types::PyBool>()
            {
                return Err(PyTypeError::new_err(format!(
                    "token ids must be int; ids[{position}] is {}",
                    type_name(&item)
                )));
            }
            match item.extract::<u32>() {
                Ok(id) => parsed.push(id),
                Err(_) => {
                    return Err(PyKeyError::new_err(format!(
                        "unknown token id {item} at ids[{position}]"
                    )))
                }
            }
        }
        let inner = &self.inner;
        let bytes = py
            .detach(|| inner.decode_bytes(&parsed))
            .map_err(to_py_err)?;
        Ok(PyBytes::new(py, &bytes))
    }
}

/// The parsed form of a split pattern as nested tuples, the same shape as
/// `bytebpe.pattern_language.parse` returns: lets the tests compare the two compilers.
#[pyfunction]
fn parse_pattern<'py>(py: Python<'py>, pattern: &str) -> PyResult<Bound<'py, PyAny>> {
    let tree = syntax::parse(named::resolve(pattern)).map_err(PyValueError::new_err)?;
    node_to_py(py, &tree)
}

fn node_to_py<'py>(py: Python<'py>, node: &syntax::Node) -> PyResult<Bound<'py, PyAny>> {
    use syntax::{Assertion, GroupKind, Node, RepeatMode};
    let tuple = |items: Vec<Bound<'py, PyAny>>| PyTuple::new(py, items).map(Bound::into_any);
    let children = |nodes: &[Node]| -> PyResult<Bound<'py, PyAny>> {
        let items = nodes
            .iter()
            .map(|n| node_to_py(py, n))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items).map(Bound::into_any)
    };
    let s = |text: &str| PyString::new(py, text).into_any();
    match node {
        Node::Set(set) => {
            // Runs as a tuple of (first, last) tuples, as the reference writes them.
            let runs = PyTuple::new(py, set.runs().iter().map(|&(a, b)| (a, b)))?;
            tuple(vec![s("set"), runs.into_any()])
        }
        Node::Seq(items) => tuple(vec![s("seq"), children(items)?]),
        Node::Alt(items) => tuple(vec![s("alt"), children(items)?]),
        Node::Repeat {
            node,
            min,
            max,
            mode,
        } => tuple(vec![
            s("repeat"),
            node_to_py(py, node)?,
            min.into_pyobject(py)?.into_any(),
            max.into_pyobject(py)?.into_any(),
            s(match mode {
                RepeatMode::Greedy => "greedy",
                RepeatMode::Lazy => "lazy",
                RepeatMode::Possessive => "possessive",
            }),
        ]),
        Node::Group { kind, node } => tuple(vec![
            s("group"),
            s(match kind {
                GroupKind::Plain => "plain",
                GroupKind::Atomic => "atomic",
                GroupKind::Ahead => "ahead",
                GroupKind::NotAhead => "not_ahead",
                GroupKind::Behind => "behind",
                GroupKind::NotBehind => "not_behind",
            }),
            node_to_py(py, node)?,
        ]),
        Node::Assert(assertion) => tuple(vec![
            s("assert"),
            s(match assertion {
                Assertion::TextStart => "text_start",
                Assertion::TextEnd => "text_end",
                Assertion::LineStart => "line_start",
                Assertion::LineEnd => "line_end",
            }),
        ]),
    }
}

#[pymodule]
fn _fast(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(split, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(parse_pattern, m)?)?;
    m.add_class::<PyEncoder>()?;
    let patterns = PyDict::new(py);
    for (name, regex) in named::PATTERNS {
        patterns.set_item(name, regex)?;
    }
    m.add("PATTERNS", patterns)?;
    m.add("DEFAULT_PATTERN", named::DEFAULT_PATTERN)?;
    m.add("UNICODE_VERSION", UNICODE_VERSION)?;
    Ok(())
}
