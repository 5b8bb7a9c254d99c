//! Tests of the reader as a whole: the documents of a file, read in blocks and batches of every
//! size, in each mode, and the errors of bad bytes.

use std::borrow::Cow;

use super::options::{TxtOptions, TxtSplit};
use super::reader::TxtReader;
use crate::error::{Error, Result};

/// The documents of one file, read in blocks of `block` bytes and batches of `batch`.
fn documents(text: &[u8], options: TxtOptions) -> Result<Vec<String>> {
    let dir = std::env::temp_dir().join(format!(
        "bytebpe-txt-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).map_err(|err| Error::io("temp", &err))?;
    let path = dir.join("corpus.txt");
    std::fs::write(&path, text).map_err(|err| Error::io("temp", &err))?;
    let files = [path.to_string_lossy().into_owned()];
    let mut reader = TxtReader::new(&files, &options);
    let mut out = Vec::new();
    while let Some(batch) = reader.next_batch(options.first_batch_bytes)? {
        out.extend(
            batch
                .documents(&options, &files)?
                .into_iter()
                .map(Cow::into_owned),
        );
    }
    std::fs::remove_dir_all(&dir).map_err(|err| Error::io("temp", &err))?;
    Ok(out)
}

fn options(split: TxtSplit, doc_cap: Option<usize>, block: usize) -> TxtOptions {
    TxtOptions {
        block_bytes: block,
        first_batch_bytes: block,
        chunk_bytes: block,
        ..TxtOptions::new(split, doc_cap, false)
    }
}

#[test]
fn paragraphs_end_after_their_blank_lines_whatever_the_block_size() {
    let text = b"a\nb\n\n \nc\n\x1c\n\td\n";
    for block in [1, 2, 3, 5, 64] {
        let docs = documents(text, options(TxtSplit::Paragraph, None, block)).unwrap();
        assert_eq!(docs, ["a\nb\n\n \n", "c\n\x1c\n", "\td\n"], "block {block}");
        let lines = documents(text, options(TxtSplit::Line, None, block)).unwrap();
        assert_eq!(lines.len(), 7);
        let whole = documents(text, options(TxtSplit::File, None, block)).unwrap();
        assert_eq!(whole, [std::str::from_utf8(text).unwrap()]);
    }
}

#[test]
fn a_capped_paragraph_keeps_its_first_characters_and_drops_the_rest() {
    let mut text = "é".repeat(50).into_bytes();
    text.extend_from_slice(b"\nxx\nyy\n\nnext\n");
    for block in [1, 7, 4096] {
        let docs = documents(&text, options(TxtSplit::Paragraph, Some(3), block)).unwrap();
        assert_eq!(docs, ["ééé", "nex"], "block {block}");
        let whole = documents(&text, options(TxtSplit::File, Some(60), block)).unwrap();
        assert_eq!(whole, ["é".repeat(50) + "\nxx\nyy\n\nne"], "block {block}");
    }
}

#[test]
fn bad_bytes_are_named_as_python_names_them() {
    let text = b"ok\nfine \xe4\xb8\nrest\n";
    for block in [1, 4, 64] {
        let err = documents(text, options(TxtSplit::Paragraph, None, block)).unwrap_err();
        let message = err.to_string();
        assert!(
            message.ends_with(":2: invalid UTF-8 at byte offset 8 (b'\\xe4\\xb8': invalid continuation byte); pass errors='replace' to read it as U+FFFD"),
            "{message}"
        );
    }
    let err = documents(b"a\n\xff", options(TxtSplit::Line, None, 64)).unwrap_err();
    assert!(err
        .to_string()
        .contains(":2: invalid UTF-8 at byte offset 2 (b'\\xff': invalid start byte)"));
    let err = documents(b"a\n\xf0\x9f\x98", options(TxtSplit::Line, None, 2)).unwrap_err();
    assert!(err
        .to_string()
        .contains("(b'\\xf0\\x9f\\x98': unexpected end of data)"));
}
