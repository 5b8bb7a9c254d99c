//! The errors of the .txt reader in the words of Python's: `bytebpe.corpus` raises ValueError
//! naming the file, the line and the byte offset of the first byte that is not UTF-8, with the
//! bytes and the reason as Python's UTF-8 decoder gives them; the core's reader says the same.

use std::fs::File;
use std::io::Read;

use crate::error::{show_bytes, Error, Result};

/// The ValueError that Python's reader raises for `bytes`, which start at `offset` in file `name`
/// and begin with whole lines, at their first byte that is not UTF-8 (`err`). `lines_before` is
/// the number of lines of the file before `bytes` where the reader counted them (it must, for a
/// pipe, which cannot be read again); None to count them from the file itself.
pub fn utf8_error(
    name: &str,
    bytes: &[u8],
    err: std::str::Utf8Error,
    offset: u64,
    lines_before: Option<u64>,
) -> Error {
    let at = err.valid_up_to();
    let bad = match err.error_len() {
        Some(len) => &bytes[at..at + len],
        // Cut short: in whole lines, only at the file's end.
        None => &bytes[at..],
    };
    let reason = if err.error_len().is_none() {
        "unexpected end of data"
    } else if matches!(bad[0], 0x80..=0xC1 | 0xF5..=0xFF) {
        "invalid start byte"
    } else {
        "invalid continuation byte"
    };
    let offset = offset + at as u64;
    let counted = lines_before
        .map(|before| before + 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64);
    let line = match counted.map_or_else(|| line_number(name, offset), |line| Ok(Some(line))) {
        Ok(Some(line)) => format!(":{line}"),
        Ok(None) => String::new(),
        Err(err) => return err,
    };
    // Python's reader names standard input "stdin", as the command line's `-`.
    let shown = if name == STDIN_FILE { "stdin" } else { name };
    Error::InvalidArgument(format!(
        "{shown}{line}: invalid UTF-8 at byte offset {offset} ({}: {reason}); pass errors='replace' to read it as U+FFFD",
        show_bytes(bad)
    ))
}

/// The file that `bytebpe.Corpus` reads for `-`.
const STDIN_FILE: &str = "/dev/stdin";

/// The number (from 1) of the line of file `name` that holds byte `offset`: lines are not
/// counted as a regular file is read, only here, when an error names one. None for a pipe
/// (stdin from one, a FIFO), which cannot be read again: its reader counts them instead.
fn line_number(name: &str, offset: u64) -> Result<Option<u64>> {
    // Asked before opening: opening a FIFO waits for a writer.
    let regular = std::fs::metadata(name)
        .map_err(|err| Error::io(name, &err))?
        .is_file();
    if !regular {
        return Ok(None);
    }
    let file = File::open(name).map_err(|err| Error::io(name, &err))?;
    let mut before = file.take(offset);
    let mut block = vec![0u8; 1 << 20];
    let mut newlines = 0;
    loop {
        let got = before
            .read(&mut block)
            .map_err(|err| Error::io(name, &err))?;
        if got == 0 {
            return Ok(Some(newlines + 1));
        }
        newlines += memchr::memchr_iter(b'\n', &block[..got]).count() as u64;
    }
}
