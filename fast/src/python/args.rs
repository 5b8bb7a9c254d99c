//! Python arguments to Rust values, with the TypeError/ValueError messages of spec §9.

use pyo3::exceptions::{
    PyFileNotFoundError, PyKeyError, PyMemoryError, PyOSError, PyPermissionError, PyTypeError,
    PyValueError,
};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyIterator, PyList, PySequence, PyString};

use crate::error::Error;

pub fn to_py_err(err: Error) -> PyErr {
    match err {
        Error::UnknownToken { .. } => PyKeyError::new_err(err.to_string()),
        Error::OutOfMemory(_) => PyMemoryError::new_err(err.to_string()),
        Error::Io { kind, .. } => match kind {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(err.to_string()),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(err.to_string()),
            _ => PyOSError::new_err(err.to_string()),
        },
        _ => PyValueError::new_err(err.to_string()),
    }
}

pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// A text as UTF-8 that outlives the GIL, or the TypeError/ValueError of spec §1.
pub fn text(obj: &Bound<'_, PyAny>, where_: &str) -> PyResult<PyBackedStr> {
    text_named(obj, || where_.to_string())
}

/// [`text`], with the name of the argument made only for an error: a batch names each text
/// by its index, and formatting that for every text of a large batch is most of this check.
fn text_named(obj: &Bound<'_, PyAny>, where_: impl Fn() -> String) -> PyResult<PyBackedStr> {
    let string = obj.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{} is {}, expected str", where_(), type_name(obj)))
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
            "{} holds the surrogate code point U+{code_point:04X} at index {index}; texts must be valid Unicode",
            where_()
        ))
    })
}

pub fn pattern(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if obj.is_instance_of::<PyString>() {
        // A str that is not valid Unicode (a lone surrogate) gets the ValueError of texts.
        return Ok(text(obj, "pattern")?.to_string());
    }
    obj.extract::<String>().map_err(|_| {
        PyTypeError::new_err(format!(
            "pattern must be a str (a name from bytebpe.PATTERNS or a regex), not {}",
            type_name(obj)
        ))
    })
}

fn is_int(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>()
}

/// An int argument in `minimum..=maximum` (bools rejected).
pub fn int(obj: &Bound<'_, PyAny>, name: &str, minimum: u64, maximum: u64) -> PyResult<u64> {
    if !is_int(obj) {
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

/// An optional thread count (tiktoken's `num_threads`); None means all cores.
pub fn threads(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    match obj {
        Some(obj) if !obj.is_none() => Ok(Some(int(obj, "num_threads", 1, 1024)? as usize)),
        _ => Ok(None),
    }
}

/// What the merge loop is told, as every training function takes it from Python: `vocab_size`
/// (§4.5), `min_frequency` (§4.5) and `max_token_length` (§4.3.1: None for no limit, else an
/// int of at least 1), checked in that order.
#[derive(Clone, Copy)]
pub struct MergeSettings {
    pub vocab_size: u32,
    pub min_frequency: u64,
    pub max_token_length: Option<u32>,
}

impl MergeSettings {
    pub fn from_args(
        vocab_size: &Bound<'_, PyAny>,
        min_frequency: &Bound<'_, PyAny>,
        max_token_length: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let vocab_size = int(vocab_size, "vocab_size", 256, u64::from(u32::MAX))? as u32;
        let min_frequency = int(min_frequency, "min_frequency", 0, u64::MAX)?;
        let max_token_length = match max_token_length {
            Some(obj) if !obj.is_none() => {
                Some(int(obj, "max_token_length", 1, u64::from(u32::MAX))? as u32)
            }
            _ => None,
        };
        Ok(Self {
            vocab_size,
            min_frequency,
            max_token_length,
        })
    }
}

/// An iterable of texts; a lone str or bytes is refused (spec §1.2).
pub fn texts_iter<'py>(texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyIterator>> {
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

/// All texts of an iterable, kept alive past the GIL.
pub fn texts(obj: &Bound<'_, PyAny>) -> PyResult<Vec<PyBackedStr>> {
    texts_iter(obj)?
        .enumerate()
        .map(|(i, item)| text_named(&item?, || format!("texts[{i}]")))
        .collect()
}

/// tiktoken's `allowed_special`: `"all"` (None: every special token), or any iterable of
/// special-token strings.
pub fn allowed_special(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<String>>> {
    let bad = || {
        PyTypeError::new_err(format!(
            "allowed_special must be \"all\" or a set of str, not {}",
            type_name(obj)
        ))
    };
    if let Ok(text) = obj.cast::<PyString>() {
        return match text.to_str() {
            Ok("all") => Ok(None),
            _ => Err(bad()),
        };
    }
    obj.try_iter()
        .map_err(|_| bad())?
        .map(|item| {
            let item = item?;
            item.extract::<String>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "allowed_special must hold str, not {}",
                    type_name(&item)
                ))
            })
        })
        .collect::<PyResult<Vec<String>>>()
        .map(Some)
}

/// The special tokens that `allowed_special` of [`allowed_special`] names, borrowed from it.
pub fn allowed_names(names: &Option<Vec<String>>) -> Option<Vec<&str>> {
    names
        .as_ref()
        .map(|names| names.iter().map(String::as_str).collect())
}

/// A rank table (spec §5.2): a dict of bytes to int ranks in 0..2**32-2 (2**32-1 is the
/// encoder's "no rank").
pub fn ranks(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(Vec<u8>, u32)>> {
    let dict = obj.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "mergeable_ranks must be a dict of bytes to int, not {}",
            type_name(obj)
        ))
    })?;
    let mut table = Vec::with_capacity(dict.len());
    for (token, rank) in dict.iter() {
        let (Ok(bytes), true) = (token.cast::<PyBytes>(), is_int(&rank)) else {
            return Err(PyTypeError::new_err(format!(
                "mergeable_ranks must map bytes to int; found {}: {}",
                token.repr()?,
                rank.repr()?
            )));
        };
        match rank.extract::<i128>() {
            Ok(r) if (0..i128::from(u32::MAX)).contains(&r) => {
                table.push((bytes.as_bytes().to_vec(), r as u32))
            }
            _ => {
                return Err(PyValueError::new_err(format!(
                    "rank {rank} of token {} is out of range; ranks must be in 0..2**32-2",
                    token.repr()?
                )))
            }
        }
    }
    Ok(table)
}

/// A merge list (spec §6.8): an iterable of pairs of int ranks. Ranks beyond u32 cannot be in a
/// table, so they get the message of a rank the table does not hold.
pub fn merges(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(u32, u32)>> {
    let bad = || {
        PyTypeError::new_err(format!(
            "merges must be a list of (left rank, right rank) pairs, not {}",
            type_name(obj)
        ))
    };
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(bad());
    }
    let mut out = Vec::new();
    for (index, pair) in obj.try_iter().map_err(|_| bad())?.enumerate() {
        let pair = pair?;
        let items = match pair.cast::<PySequence>() {
            Ok(seq) if !pair.is_instance_of::<PyString>() && !pair.is_instance_of::<PyBytes>() => {
                seq.to_list()?
            }
            _ => PyList::empty(obj.py()),
        };
        let ints: Vec<_> = items.iter().collect();
        if ints.len() != 2 || !ints.iter().all(is_int) {
            return Err(PyTypeError::new_err(format!(
                "merges[{index}] must be a pair of int ranks, not {}",
                pair.repr()?
            )));
        }
        let rank = |item: &Bound<'_, PyAny>| {
            item.extract::<u32>().map_err(|_| {
                PyValueError::new_err(format!(
                    "merges[{index}] names rank {item}, which the rank table does not hold"
                ))
            })
        };
        out.push((rank(&ints[0])?, rank(&ints[1])?));
    }
    Ok(out)
}

/// A bool argument (ints are refused, as in Python's checks).
pub fn flag(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    if !obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a bool, not {}",
            type_name(obj)
        )));
    }
    obj.extract::<bool>()
}

/// Special tokens (spec §5.4): a dict of str to int ids in 0..2**32.
pub fn specials(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, u32)>> {
    let dict = obj.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "special_tokens must be a dict of str to int, not {}",
            type_name(obj)
        ))
    })?;
    let mut out = Vec::with_capacity(dict.len());
    for (name, id) in dict.iter() {
        let (Ok(name), true) = (name.extract::<String>(), is_int(&id)) else {
            return Err(PyTypeError::new_err(format!(
                "special_tokens must map str to int; found {}: {}",
                name.repr()?,
                id.repr()?
            )));
        };
        let id = int(&id, "a special token id", 0, u64::from(u32::MAX))? as u32;
        out.push((name, id));
    }
    Ok(out)
}

/// Token ids for decoding: ints (not bools); ids outside u32 cannot exist, hence KeyError.
pub fn ids(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
    // A list (what encoding returns) is read by index: the iterator protocol's calls per item
    // were a fifth of decoding.
    if let Ok(list) = obj.cast::<PyList>() {
        let mut parsed = Vec::with_capacity(list.len());
        for (position, item) in list.iter().enumerate() {
            parsed.push(id(&item, position)?);
        }
        return Ok(parsed);
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "ids must be an iterable of int, not {}",
            type_name(obj)
        ))
    })?;
    let mut parsed = Vec::new();
    for (position, item) in iter.enumerate() {
        parsed.push(id(&item?, position)?);
    }
    Ok(parsed)
}

/// The id `item` at `ids[position]`.
#[inline]
fn id(item: &Bound<'_, PyAny>, position: usize) -> PyResult<u32> {
    if !is_int(item) {
        return Err(PyTypeError::new_err(format!(
            "token ids must be int; ids[{position}] is {}",
            type_name(item)
        )));
    }
    item.extract::<u32>()
        .map_err(|_| PyKeyError::new_err(format!("unknown token id {item} at ids[{position}]")))
}
