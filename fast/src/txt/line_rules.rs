//! Where the documents of a .txt file start, found from any point of the file: so that a batch
//! of it can be cut into documents by many threads at once, each from its own part, and so that
//! the reading thread can cut batches without scanning every line itself.
//!
//! The rules are `bytebpe.corpus`'s. A line ends after "\n" or at the file's end. A line is blank
//! when every character of it is one for which Python's `str.isspace` is true. With
//! txt_split="paragraph" a document starts at a line that is not blank after one that is; with
//! "line", at every line. A start depends only on the line it is and the line before, which is why
//! anyone can find it from anywhere: a thread that starts its part at the first document start at
//! or after some offset and ends it at the first one at or after the next offset agrees with its
//! neighbours without talking to them.

use super::options::TxtSplit;

/// Whether a line (with its ending) holds only characters for which Python's `str.isspace` is
/// true. A byte that is not UTF-8 would be U+FFFD, which is not.
pub fn is_blank(line: &[u8]) -> bool {
    for (i, &byte) in line.iter().enumerate() {
        match byte {
            b'\t'..=b'\r' | 0x1C..=0x20 => continue,
            // Printable ASCII or a control character that is not space.
            0..=0x7F => return false,
            _ => {
                return std::str::from_utf8(&line[i..])
                    .is_ok_and(|text| text.chars().all(is_python_space))
            }
        }
    }
    true
}

/// Python's `str.isspace` for one character: bidirectional class WS, B or S, or category Zs.
/// (Rust's `char::is_whitespace` differs: it leaves out U+001C to U+001F.)
pub fn is_python_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1C}'..='\u{20}'
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// The end of the line that starts at `start`, no further than `end`.
fn line_end(bytes: &[u8], start: usize, end: usize) -> usize {
    memchr::memchr(b'\n', &bytes[start..end]).map_or(end, |i| start + i + 1)
}

/// The start of the line that ends at `end` (> `floor`), no earlier than `floor`.
fn line_start(bytes: &[u8], floor: usize, end: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[floor..end - 1]).map_or(floor, |i| floor + i + 1)
}

/// Whether the line that ends at `end` (a line start after `floor`, which starts a line too) is
/// blank, read backwards from its end and no further than its last character that is not space:
/// a line of a gigabyte costs no more than a short one unless it is all space.
fn ends_blank_line(bytes: &[u8], floor: usize, end: usize) -> bool {
    // Past the "\n" that ends it.
    let mut at = end - 1;
    while at > floor {
        let byte = bytes[at - 1];
        match byte {
            b'\n' => return true,
            b'\t'..=b'\r' | 0x1C..=0x20 => at -= 1,
            0..=0x7F => return false,
            _ => {
                // A character of two to four bytes ends here: back to its first byte.
                let mut first = at - 1;
                while first > floor && at - first < 4 && (0x80..=0xBF).contains(&bytes[first]) {
                    first -= 1;
                }
                let space = std::str::from_utf8(&bytes[first..at]).is_ok_and(|text| {
                    let mut chars = text.chars();
                    chars.next().is_some_and(is_python_space) && chars.next().is_none()
                });
                if !space {
                    return false;
                }
                at = first;
            }
        }
    }
    true
}

/// The first document start in `bytes[at..before]` (and before `to`) of `bytes[from..to]`, a run
/// of whole documents of one file, so that `from` is a start; None if there is none. The lines
/// looked at are those that start before `before`, and the one before the first of them, so
/// that parts of a file that ask for their own ranges look at each line about once between them.
pub fn first_document_start(
    bytes: &[u8],
    (from, to): (usize, usize),
    (at, before): (usize, usize),
    split: TxtSplit,
) -> Option<usize> {
    let before = before.min(to);
    if at <= from {
        return (from < before).then_some(from);
    }
    if at >= before || split == TxtSplit::File {
        return None;
    }
    let mut start = if bytes[at - 1] == b'\n' {
        at
    } else {
        at + memchr::memchr(b'\n', &bytes[at..before])? + 1
    };
    if start >= before {
        return None;
    }
    if split == TxtSplit::Line {
        return Some(start);
    }
    let mut previous_blank = ends_blank_line(bytes, from, start);
    while start < before {
        let end = line_end(bytes, start, to);
        let blank = is_blank(&bytes[start..end]);
        if previous_blank && !blank {
            return Some(start);
        }
        previous_blank = blank;
        start = end;
    }
    None
}

/// Push the ends of the documents in `bytes[start..end]`, which begins at a document start and
/// ends at one (or at the end of the file), onto `ends`.
pub fn document_ends(
    bytes: &[u8],
    (start, end): (usize, usize),
    split: TxtSplit,
    ends: &mut Vec<usize>,
) {
    if end <= start {
        return;
    }
    let lines = memchr::memchr_iter(b'\n', &bytes[start..end]).map(|i| start + i + 1);
    match split {
        TxtSplit::File => {}
        TxtSplit::Line => ends.extend(lines.filter(|&line_end| line_end < end)),
        TxtSplit::Paragraph => {
            let mut line_start = start;
            let mut previous_blank = false;
            for line_end in lines.chain(std::iter::once(end)) {
                if line_end <= line_start {
                    continue;
                }
                let blank = is_blank(&bytes[line_start..line_end]);
                if previous_blank && !blank {
                    ends.push(line_start);
                }
                previous_blank = blank;
                line_start = line_end;
            }
        }
    }
    ends.push(end);
}

/// The last paragraph start in `bytes[floor..complete_end]` (whole lines, from a document start
/// `floor`) after `examined`, where every start up to `examined` has been looked at before; None
/// if there is none. The lines are walked backwards, so a batch can be cut after reading a block
/// by looking at the last few lines only.
pub fn last_paragraph_start(
    bytes: &[u8],
    floor: usize,
    examined: usize,
    complete_end: usize,
) -> Option<usize> {
    let mut end = complete_end;
    let mut following_start: Option<usize> = None;
    while end > floor {
        let start = line_start(bytes, floor, end);
        let blank = is_blank(&bytes[start..end]);
        if blank {
            if let Some(found) = following_start {
                return Some(found);
            }
        }
        if start <= examined {
            return None;
        }
        following_start = (!blank).then_some(start);
        end = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every document end of `text`, found from `from` parts of every size, must be the ends
    /// found in one pass.
    fn ends_in_parts(text: &[u8], split: TxtSplit, part: usize) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut at = 0;
        let segment = (0, text.len());
        while at < text.len() {
            if let Some(start) = first_document_start(text, segment, (at, at + part), split) {
                let end = first_document_start(text, segment, (at + part, text.len()), split)
                    .unwrap_or(text.len());
                document_ends(text, (start, end), split, &mut ends);
            }
            at += part;
        }
        ends
    }

    #[test]
    fn documents_found_in_parts_are_the_documents_found_in_one_pass() {
        let text = b"a\nb\n\n \nc\n\x1c\n\td\n\nlast";
        let mut whole = Vec::new();
        document_ends(text, (0, text.len()), TxtSplit::Paragraph, &mut whole);
        assert_eq!(whole, [7, 11, 15, text.len()]);
        for part in 1..=text.len() {
            for split in [TxtSplit::Paragraph, TxtSplit::Line, TxtSplit::File] {
                let mut one_pass = Vec::new();
                document_ends(text, (0, text.len()), split, &mut one_pass);
                assert_eq!(
                    ends_in_parts(text, split, part),
                    one_pass,
                    "{split:?} {part}"
                );
            }
        }
    }

    #[test]
    fn the_last_paragraph_start_is_found_from_the_end() {
        let text = b"a\n\nb\nc\n\n\nd\ne\n";
        assert_eq!(last_paragraph_start(text, 0, 0, text.len()), Some(9));
        // Starts up to 9 were looked at already: nothing new.
        assert_eq!(last_paragraph_start(text, 0, 9, text.len()), None);
        assert_eq!(last_paragraph_start(text, 0, 8, text.len()), Some(9));
        assert_eq!(last_paragraph_start(text, 0, 0, 7), Some(3));
        assert_eq!(last_paragraph_start(b"a\nb\n", 0, 0, 4), None);
    }

    #[test]
    fn a_line_read_backwards_is_blank_as_read_forwards() {
        let lines: [&[u8]; 8] = [
            b"\n",
            b" \t\x1c\n",
            "\u{3000}\u{a0} \n".as_bytes(),
            b"x \n",
            "\u{3000}x\u{3000}\n".as_bytes(),
            b"\x80\n",
            b" \xe3\x80\n",
            "\u{200b}\n".as_bytes(),
        ];
        for line in lines {
            let mut text = b"a\n".to_vec();
            text.extend_from_slice(line);
            assert_eq!(
                ends_blank_line(&text, 0, text.len()),
                is_blank(line),
                "{line:?}"
            );
            assert_eq!(
                ends_blank_line(line, 0, line.len()),
                is_blank(line),
                "{line:?}"
            );
        }
    }

    #[test]
    fn python_space_is_not_rust_whitespace() {
        assert!(is_python_space('\u{1F}') && !'\u{1F}'.is_whitespace());
        assert!(!is_python_space('\u{200B}') && !is_python_space('x'));
        assert!(is_blank(b"\r\n") && is_blank("\u{3000}\n".as_bytes()) && !is_blank(b"\xff\n"));
    }
}
