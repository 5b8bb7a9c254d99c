//! The errors of the core, and bytes written for their messages. The Python module maps each
//! kind to the exception spec §9 names.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The split pattern is not in the language of spec §2.2 (Python: ValueError).
    InvalidPattern(String),
    /// The regex engine gave up on a text, e.g. its backtracking limit (Python: ValueError).
    Matching(String),
    /// An argument is out of range or inconsistent (Python: ValueError).
    InvalidArgument(String),
    /// A token id that the vocabulary does not hold (Python: KeyError).
    UnknownToken { id: u32, position: usize },
    /// A progress observer asked training to stop (Python: whatever the observer raised).
    Interrupted,
    /// A large allocation (the arena, a table, a growing list, an output buffer) failed, or
    /// threads could not be started (Python: MemoryError). Smaller allocations that fail still
    /// abort the process, as Rust's allocator does.
    OutOfMemory(String),
    /// A file could not be opened or read (Python: OSError, or its subclass for `kind`).
    Io {
        message: String,
        kind: std::io::ErrorKind,
    },
}

impl Error {
    /// The error of failing to reserve room for `what` (say "1.5 GiB for the arena").
    pub fn out_of_memory(what: &str) -> Self {
        Error::OutOfMemory(format!("out of memory: cannot reserve {what}"))
    }

    /// The error of failing to reserve `bytes` for `what` (say "the table of pairs"), in MiB
    /// rounded up, so that a failure of a few KiB does not read "0 MiB".
    pub fn out_of_memory_for(bytes: usize, what: &str) -> Self {
        Self::out_of_memory(&format!("{} MiB for {what}", bytes.div_ceil(1 << 20)))
    }

    /// The error of reading or opening the file `path`.
    pub fn io(path: &str, err: &std::io::Error) -> Self {
        Error::Io {
            message: format!("{path}: {err}"),
            kind: err.kind(),
        }
    }
}

/// Room in `list` for one more item, doubling as a push would, or the MemoryError of `what`:
/// called before a push in a loop, it costs one comparison unless the list must grow.
pub fn room_for_one<T>(list: &mut Vec<T>, what: &str) -> Result<()> {
    if list.len() == list.capacity() {
        list.try_reserve(1).map_err(|_| {
            Error::out_of_memory_for(2 * list.len() * std::mem::size_of::<T>(), what)
        })?;
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidPattern(message)
            | Error::Matching(message)
            | Error::InvalidArgument(message)
            | Error::OutOfMemory(message)
            | Error::Io { message, .. } => f.write_str(message),
            Error::UnknownToken { id, position } => {
                write!(f, "unknown token id {id} at ids[{position}]")
            }
            Error::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Bytes as Python writes them (`repr`), for error messages.
pub fn show_bytes(bytes: &[u8]) -> String {
    // Python quotes with ' unless the bytes hold a ' and no ".
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(char::from(quote));
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b == quote => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7E => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}

/// A str as Python writes it (`repr`), for error messages: quoted with ' unless it holds a '
/// and no ", with backslash escapes for the quote, the backslash and the control characters of
/// Latin-1. (Other characters that Python escapes, non-printable ones beyond Latin-1, are rare
/// in the texts these messages show and are written as they are.)
pub fn show_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            '\0'..='\u{1f}' | '\u{7f}'..='\u{a0}' | '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", u32::from(ch)));
            }
            _ => out.push(ch),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_written_as_python_writes_them() {
        assert_eq!(show_bytes(b"\xe4\xb8"), "b'\\xe4\\xb8'");
        assert_eq!(show_bytes(b"a'\n"), "b\"a'\\n\"");
        assert_eq!(show_bytes(b"'\""), "b'\\'\"'");
    }

    #[test]
    fn strs_are_written_as_python_writes_them() {
        assert_eq!(show_str("<|bos|>"), "'<|bos|>'");
        assert_eq!(show_str("it's"), "\"it's\"");
        assert_eq!(show_str("'\""), "'\\'\"'");
        assert_eq!(show_str("a\\b\n\u{1b}\u{a0}é"), "'a\\\\b\\n\\x1b\\xa0é'");
    }
}
