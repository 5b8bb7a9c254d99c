//! `parse_pattern`: the parsed form of a split pattern as nested tuples, the same shape as
//! `bytebpe.pattern_language.parse` returns, so that the tests can compare the two compilers.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use crate::pattern::{named, syntax};

#[pyfunction]
pub fn parse_pattern<'py>(py: Python<'py>, pattern: &str) -> PyResult<Bound<'py, PyAny>> {
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
