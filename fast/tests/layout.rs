//! The house rules for the layout of fast/src, checked on the source itself: no two files import
//! each other, directly or round a longer loop (an import is any path in a `use`, and any inline
//! `crate::` or `super::` path, tests included); no hand-written file is over 600 lines; every file
//! and folder says in its first lines what it holds.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The generated Unicode tables, the one file allowed to be long (relative to fast/src).
const GENERATED: &[&str] = &["unicode/unicode_data.rs"];
const MAX_LINES: usize = 600;

/// Every .rs file under `dir`, with its module path (`encode/mod.rs` is `encode`).
fn modules(root: &Path, dir: &Path, out: &mut BTreeMap<Vec<String>, PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("fast/src is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            modules(root, &path, out);
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let relative = path.strip_prefix(root).expect("under fast/src");
        let mut segments: Vec<String> = relative
            .iter()
            .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
            segments.pop();
        }
        out.insert(segments, path);
    }
}

/// The text of a file without its comments, so that prose naming a path is no import.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a `use` tree names, each as its segments: `a::{b, c::d}` is `a::b` and `a::c::d`.
fn expand(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    if let Some(body) = tree.strip_prefix('{') {
        let body = body.strip_suffix('}').expect("a braced use list closes");
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&body[start..i], prefix, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&body[start..], prefix, out);
        return;
    }
    match tree.split_once("::") {
        Some((head, rest)) => {
            let mut prefix = prefix.to_vec();
            prefix.push(head.trim().to_string());
            expand(rest, &prefix, out);
        }
        None => {
            let name = tree.split(" as ").next().unwrap_or(tree).trim();
            let mut path = prefix.to_vec();
            if name != "self" && name != "*" {
                path.push(name.to_string());
            }
            out.push(path);
        }
    }
}

/// The paths that `code` uses (all of those in `use` statements, and the inline ones that start
/// at `crate::` or `super::`), each with the depth of inline modules it sits in (a `super::`
/// inside `mod tests { .. }` is the file's own module).
fn used_paths(code: &str) -> Vec<(Vec<String>, usize)> {
    let mut out = Vec::new();
    let mut depth_of_inline = Vec::new();
    let mut inline_depth = 0usize;
    let mut braces = 0usize;
    let mut rest = code;
    let mut consumed = 0;
    // Uses first, whole; then inline paths in what is left.
    let mut without_uses = String::new();
    while let Some(at) = find_word(rest, "use") {
        without_uses.push_str(&rest[..at]);
        let end = rest[at..].find(';').map_or(rest.len(), |i| at + i + 1);
        let statement = rest[at + 3..end].trim_end_matches(';');
        let mut paths = Vec::new();
        expand(statement, &[], &mut paths);
        for path in paths {
            out.push((path, consumed + at));
        }
        consumed += end;
        rest = &rest[end..];
        without_uses.push_str(&" ".repeat(end - at));
    }
    without_uses.push_str(rest);
    let bytes = without_uses.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Only an ASCII byte can start a path, and it is a char boundary.
        let at_word = matches!(bytes[i], b'c' | b's') && (i == 0 || !is_ident(bytes[i - 1]));
        let tail = if at_word { &without_uses[i..] } else { "" };
        if tail.starts_with("crate::") || tail.starts_with("super::") {
            let len = tail
                .bytes()
                .position(|b| !(is_ident(b) || b == b':'))
                .unwrap_or(tail.len());
            let path: Vec<String> = tail[..len]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            out.push((path, i));
            i += len;
            continue;
        }
        i += 1;
    }
    // Where each inline module opens and closes, to know how deep each path sits.
    let mut opened = Vec::new();
    let code_bytes = code.as_bytes();
    for (i, &b) in code_bytes.iter().enumerate() {
        match b {
            b'{' => {
                braces += 1;
                let before = code[..i].trim_end();
                let last_line = before.rsplit('\n').next().unwrap_or("");
                if last_line.trim_start().starts_with("mod ")
                    || last_line.trim_start().starts_with("pub mod ")
                {
                    inline_depth += 1;
                    opened.push(braces);
                }
            }
            b'}' => {
                if opened.last() == Some(&braces) {
                    opened.pop();
                    inline_depth -= 1;
                }
                braces = braces.saturating_sub(1);
            }
            _ => {}
        }
        depth_of_inline.push(inline_depth);
    }
    out.into_iter()
        .map(|(path, at)| (path, depth_of_inline.get(at).copied().unwrap_or(0)))
        .collect()
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The first `word` in `text` that opens a statement: first on its line but for `pub` or
/// `pub(..)`, and followed by a space.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let line = &text[text[..at].rfind('\n').map_or(0, |n| n + 1)..at];
        let line = line.trim();
        let before_ok =
            line.is_empty() || line == "pub" || (line.starts_with("pub(") && line.ends_with(')'));
        let after_ok = bytes.get(at + word.len()) == Some(&b' ');
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// The module a path names, by the longest prefix that is a file of its own.
fn resolve(
    module: &[String],
    path: &[String],
    inline_depth: usize,
    files: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let (mut base, rest) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("super") => {
            // `super` of a file `a/b.rs` (module a::b) is `a`; of `a/mod.rs` (module a) the
            // crate; inside an inline module of the file, the file's module itself.
            let mut base = module.to_vec();
            let mut rest = path;
            let mut levels = 0;
            while rest.first().map(String::as_str) == Some("super") {
                levels += 1;
                rest = &rest[1..];
            }
            let mut climb = levels;
            if inline_depth > 0 {
                climb -= climb.min(inline_depth);
            }
            for _ in 0..climb {
                base.pop()?;
            }
            (base, rest)
        }
        // `self::a` or a bare `a`: a module declared in this file (`mod a;`), if there is one.
        Some("self") => (module.to_vec(), &path[1..]),
        Some(first) => {
            let mut child = module.to_vec();
            child.push(first.to_string());
            if !files.contains_key(&child) {
                return None;
            }
            (module.to_vec(), path)
        }
        None => return None,
    };
    let mut target = base.clone();
    for segment in rest {
        base.push(segment.clone());
        if files.contains_key(&base) {
            target = base.clone();
        } else {
            break;
        }
    }
    Some(target)
}

/// fast/src, and every file under it by module path.
fn source_files() -> (PathBuf, BTreeMap<Vec<String>, PathBuf>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    modules(&root, &root, &mut files);
    (root, files)
}

/// Every import edge between two files of fast/src.
fn edges() -> BTreeMap<Vec<String>, Vec<Vec<String>>> {
    let (_, files) = source_files();
    let mut graph = BTreeMap::new();
    for (module, path) in &files {
        let code = code_of(&fs::read_to_string(path).expect("a source file"));
        let mut targets = Vec::new();
        for (used, depth) in used_paths(&code) {
            if let Some(target) = resolve(module, &used, depth, &files) {
                if &target != module && !targets.contains(&target) {
                    targets.push(target);
                }
            }
        }
        targets.sort();
        graph.insert(module.clone(), targets);
    }
    graph
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "lib".into()
    } else {
        module.join("::")
    }
}

/// Every module's way back to itself through its imports, written `a -> b -> a`.
fn cycles(graph: &BTreeMap<Vec<String>, Vec<Vec<String>>>) -> Vec<String> {
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = Vec::new();
        while let Some((at, trail)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if next == start {
                    let names: Vec<String> = trail.iter().chain([start]).map(|m| name(m)).collect();
                    cycles.push(names.join(" -> "));
                } else if !seen.contains(next) {
                    seen.push(next.clone());
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    cycles
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
    let graph = edges();
    assert!(graph.len() > 20, "found the modules of fast/src");
    let cycles = cycles(&graph);
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_resolves_every_kind_of_path_and_finds_cycles() {
    let here = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let files: BTreeMap<Vec<String>, PathBuf> = [&[][..], &["a"], &["a", "b"], &["a", "c"]]
        .into_iter()
        .map(|module| (here(module), PathBuf::new()))
        .collect();
    let resolved = |module: &[&str], code: &str| -> Vec<Vec<String>> {
        used_paths(code)
            .into_iter()
            .filter_map(|(path, depth)| resolve(&here(module), &path, depth, &files))
            .collect()
    };
    let code = "use super::c::{Thing, other};\nfn f() { crate::a::b::g(); }\n";
    let c = here(&["a", "c"]);
    assert_eq!(
        resolved(&["a", "b"], code),
        [c.clone(), c, here(&["a", "b"])]
    );
    // `super` inside `mod tests { .. }` is the file itself; of a folder's mod.rs, the crate.
    let tests = "fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::f;\n}\n";
    assert_eq!(resolved(&["a", "b"], tests), [here(&["a", "b"])]);
    assert_eq!(resolved(&["a"], "use super::Thing;"), [here(&[])]);
    // A folder's mod.rs re-exporting from its files names them without a prefix.
    let reexports = "pub use b::Thing;\npub use self::c::Other;\nuse std::fs;";
    assert_eq!(
        resolved(&["a"], reexports),
        [here(&["a", "b"]), here(&["a", "c"])]
    );
    let graph = BTreeMap::from([
        (here(&["a"]), vec![here(&["a", "b"])]),
        (here(&["a", "b"]), vec![here(&["a", "c"])]),
        (here(&["a", "c"]), vec![here(&["a", "b"])]),
    ]);
    assert_eq!(
        cycles(&graph),
        ["a::b -> a::c -> a::b", "a::c -> a::b -> a::c"]
    );
}

#[test]
fn no_hand_written_file_is_over_600_lines() {
    let (root, files) = source_files();
    let long: Vec<String> = files
        .values()
        .filter(|path| {
            let relative = path.strip_prefix(&root).unwrap_or(path);
            !GENERATED
                .iter()
                .any(|generated| relative == Path::new(generated))
        })
        .filter_map(|path| {
            let lines = fs::read_to_string(path)
                .expect("a source file")
                .lines()
                .count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}

#[test]
fn every_file_opens_with_what_it_holds() {
    let (_, files) = source_files();
    let silent: Vec<String> = files
        .values()
        .filter(|path| {
            let text = fs::read_to_string(path).expect("a source file");
            !text
                .lines()
                .find(|line| !line.starts_with("#!") && !line.trim().is_empty())
                .is_some_and(|line| line.starts_with("//!"))
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        silent.is_empty(),
        "files without a module comment: {silent:?}"
    );
}
