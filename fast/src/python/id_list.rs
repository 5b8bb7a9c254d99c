//! Python lists built so that a list that cannot be had is a `MemoryError`: pyo3's `PyList::new`
//! panics when `PyList_New` fails, and the list of a long encoding is the largest allocation a
//! call makes on the Python side (8 bytes an id). Lists of ids are also taken out of the cycle
//! collector's sight: a list of ints can be part of no cycle, yet every collection that runs
//! while a batch is being built would walk every id of every list made so far.

use pyo3::exceptions::PyMemoryError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// A new list of `items`, or the `MemoryError` of a list that cannot be had.
pub fn new_list<'py>(
    py: Python<'py>,
    items: impl ExactSizeIterator<Item = Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let len = items.len();
    let size = ffi::Py_ssize_t::try_from(len)
        .map_err(|_| PyMemoryError::new_err(format!("out of memory: a list of {len} items")))?;
    // SAFETY: PyList_New returns a new reference that we own, or null with a MemoryError set,
    // which from_owned_ptr_or_err takes; ours says what could not be had.
    let list =
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyList_New(size)) }.map_err(|_| {
            PyMemoryError::new_err(format!(
                "out of memory: cannot make a list of {len} items ({} MiB)",
                len.saturating_mul(8) >> 20
            ))
        })?;
    let mut filled = 0;
    for item in items.take(len) {
        // SAFETY: the list is new, of `size` empty slots, and seen by nobody else; `filled` is
        // below `size` (take(len)); PyList_SetItem steals the reference that into_ptr hands it
        // and cannot fail for an index in range of a list.
        unsafe { ffi::PyList_SetItem(list.as_ptr(), filled, item.into_ptr()) };
        filled += 1;
    }
    if filled != size {
        // An iterator shorter than it said: the empty slots must not be seen.
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "a list shorter than its iterator said",
        ));
    }
    // SAFETY: PyList_New made a list.
    Ok(unsafe { list.cast_into_unchecked() })
}

/// `list`, no longer tracked by Python's cycle collector. For lists that hold only ints: the
/// collector never needs to see them, and seeing them is what makes a batch of many lists slow
/// to build. A cycle that a caller later makes through such a list (appending the list to
/// itself) is freed by reference counting only once it is broken, as with any untracked object.
pub fn untracked(list: Bound<'_, PyList>) -> Bound<'_, PyList> {
    // SAFETY: `list` is a live list (a GC object) that we hold a reference to. Untracking only
    // takes it off the collector's lists; list_dealloc untracks again, which CPython allows for
    // an object that is not tracked, and nothing else in CPython requires a list to be tracked.
    unsafe { ffi::PyObject_GC_UnTrack(list.as_ptr().cast()) };
    list
}
