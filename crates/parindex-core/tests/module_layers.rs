//! The core's top-level modules import each other one way only: a cycle between them
//! (`evidence` using `rules`, `rules` using `evidence`) is what issue 19 removed, and this test
//! fails, naming the cycle and the lines that make it, when one comes back.
//!
//! A text scan, not a parser: every `crate::X` (grouped `crate::{X, Y}` too), `super::` and
//! `crate::Name` of a name `lib.rs` re-exports, outside comments, in `src/**/*.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One reference from a module to another, kept to say where an edge comes from.
#[derive(Debug, Clone)]
struct Reference {
    from: String,
    to: String,
    place: String,
}

/// The module graph: for each top-level module, the modules it refers to and from where.
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate's sources as (path under `src`, text).
fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a source file is UTF-8");
            let name = path
                .strip_prefix(&src)
                .expect("under src")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (name, text)
        })
        .collect()
}

/// A file's module path: `evidence/stream.rs` is `[evidence, stream]`, `evidence/mod.rs` is
/// `[evidence]`.
fn module_path(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.split('/').map(str::to_owned).collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_owned());
    }
    parts
}

/// A line without its comment: whole-line comments go, a trailing `//` outside a string too.
fn code_of(line: &str) -> &str {
    if line.trim_start().starts_with("//") {
        return "";
    }
    let mut quotes = 0;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => quotes += 1,
            b'/' if quotes % 2 == 0 && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn ident_at(s: &str) -> &str {
    let end = s.bytes().position(|b| !is_ident(b)).unwrap_or(s.len());
    &s[..end]
}

/// The first segment of each item of a group `{a::B, c, d::{e, f}}` starting at `s[0] == '{'`.
fn group_heads(s: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = true;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'{' => {
                depth += 1;
                if depth == 1 {
                    expect_head = true;
                }
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => expect_head = true,
            _ if depth == 1 && expect_head && is_ident(b) => {
                heads.push(ident_at(&s[i..]).to_owned());
                expect_head = false;
            }
            _ => {}
        }
    }
    heads
}

/// The names `lib.rs` re-exports, each with the module it comes from (`Value` → `evidence`).
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let text: String = lib.lines().map(code_of).collect::<Vec<_>>().join("\n");
    let mut names = BTreeMap::new();
    for (at, _) in text.match_indices("pub use ") {
        let rest = &text[at + "pub use ".len()..];
        let module = ident_at(rest);
        let after = &rest[module.len()..];
        let Some(after) = after.strip_prefix("::") else {
            continue;
        };
        let items: Vec<String> = if after.starts_with('{') {
            group_heads(after)
        } else {
            vec![ident_at(after).to_owned()]
        };
        for item in items {
            names.insert(item, module.to_owned());
        }
    }
    names
}

/// Every reference of `files` from one top-level module to another.
fn references(files: &[(String, String)]) -> Vec<Reference> {
    let exports = files
        .iter()
        .find(|(f, _)| f == "lib.rs")
        .map(|(_, t)| root_exports(t))
        .unwrap_or_default();
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|(f, _)| module_path(f).first().cloned())
        .collect();
    let top = |name: &str| -> Option<String> {
        if modules.contains(name) {
            Some(name.to_owned())
        } else {
            exports.get(name).cloned()
        }
    };
    let mut found = Vec::new();
    for (file, text) in files {
        let path = module_path(file);
        let Some(from) = path.first().cloned() else {
            continue; // lib.rs: the root declares the modules, it is no layer
        };
        // Inline modules (`mod tests {`), each with its indentation, so that `super::` in one
        // climbs to the right module; rustfmt keeps the closing brace at the same indentation.
        let mut inline: Vec<(usize, String)> = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let code = code_of(line);
            let indent = line.len() - line.trim_start().len();
            if code.trim() == "}" && inline.last().is_some_and(|(i, _)| *i == indent) {
                inline.pop();
                continue;
            }
            let here: Vec<String> = path
                .iter()
                .cloned()
                .chain(inline.iter().map(|(_, m)| m.clone()))
                .collect();
            let place = format!("src/{file}:{}", n + 1);
            let mut targets = Vec::new();
            let bytes = code.as_bytes();
            for (at, _) in code.match_indices("crate::") {
                if at > 0 && (is_ident(bytes[at - 1])) {
                    continue;
                }
                let rest = &code[at + "crate::".len()..];
                if rest.starts_with('{') {
                    // A group may run over lines: read on from here.
                    let tail = lines[n..]
                        .iter()
                        .map(|l| code_of(l))
                        .collect::<Vec<_>>()
                        .join("\n");
                    let start = tail.find("crate::{").map_or(0, |i| i + "crate::".len());
                    targets.extend(group_heads(&tail[start..]).iter().filter_map(|h| top(h)));
                } else {
                    targets.extend(top(ident_at(rest)));
                }
            }
            for (at, _) in code.match_indices("super::") {
                if at > 0 && (is_ident(bytes[at - 1]) || code[..at].ends_with("super::")) {
                    continue;
                }
                let mut rest = &code[at..];
                let mut up = 0;
                while let Some(r) = rest.strip_prefix("super::") {
                    up += 1;
                    rest = r;
                }
                let kept = here.len().saturating_sub(up);
                let target = if kept == 0 {
                    top(ident_at(rest))
                } else {
                    here.first().cloned()
                };
                targets.extend(target);
            }
            for to in targets {
                if to != from {
                    found.push(Reference {
                        from: from.clone(),
                        to,
                        place: place.clone(),
                    });
                }
            }
            let trimmed = code.trim_start();
            let decl = trimmed
                .strip_prefix("pub(crate) ")
                .or_else(|| trimmed.strip_prefix("pub "))
                .unwrap_or(trimmed);
            if let Some(rest) = decl.strip_prefix("mod ") {
                let name = ident_at(rest);
                if rest[name.len()..].trim() == "{" {
                    inline.push((indent, name.to_owned()));
                }
            }
        }
    }
    found
}

fn graph(files: &[(String, String)]) -> Graph {
    let mut graph = Graph::new();
    for (f, _) in files {
        if let Some(m) = module_path(f).first() {
            graph.entry(m.clone()).or_default();
        }
    }
    for r in references(files) {
        graph
            .entry(r.from)
            .or_default()
            .entry(r.to)
            .or_default()
            .push(r.place);
    }
    graph
}

/// A cycle through `start` if there is one, as the modules in order (`[a, b, a]`).
fn cycle_through(graph: &Graph, start: &str) -> Option<Vec<String>> {
    // Breadth first, so that the cycle named is a shortest one.
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_owned()]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(&node).into_iter().flat_map(BTreeMap::keys) {
            if next == start {
                // Back from `node` to `start`, then turned around and closed.
                let mut cycle = vec![node.clone()];
                while cycle.last().is_some_and(|m| m != start) {
                    let back = previous[cycle.last().expect("not empty")].clone();
                    cycle.push(back);
                }
                cycle.reverse();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if !previous.contains_key(next) {
                previous.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

/// The modules `from` reaches, itself excluded unless through a cycle.
fn reach<'a>(graph: &'a Graph, from: &str) -> BTreeSet<&'a str> {
    let mut reached = BTreeSet::new();
    let mut todo: Vec<&str> = graph
        .get(from)
        .into_iter()
        .flat_map(|t| t.keys().map(String::as_str))
        .collect();
    while let Some(m) = todo.pop() {
        if reached.insert(m) {
            todo.extend(
                graph
                    .get(m)
                    .into_iter()
                    .flat_map(|t| t.keys().map(String::as_str)),
            );
        }
    }
    reached
}

/// Every group of modules that reach each other, each named by its members, one cycle through
/// them and the lines that make that cycle's edges.
fn cycles(graph: &Graph) -> Vec<String> {
    let reached: BTreeMap<&str, BTreeSet<&str>> = graph
        .keys()
        .map(|m| (m.as_str(), reach(graph, m)))
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut found = Vec::new();
    for module in graph.keys() {
        if seen.contains(module.as_str()) || !reached[module.as_str()].contains(module.as_str()) {
            continue;
        }
        let members: Vec<&str> = reached[module.as_str()]
            .iter()
            .copied()
            .filter(|m| reached[m].contains(module.as_str()))
            .collect();
        seen.extend(members.iter().copied());
        let cycle = cycle_through(graph, module).expect("a module that reaches itself");
        let mut text = format!("{{{}}}, e.g. {}", members.join(", "), cycle.join(" → "));
        for pair in cycle.windows(2) {
            let places = &graph[&pair[0]][&pair[1]];
            text.push_str(&format!(
                "\n    {} → {}: {}{}",
                pair[0],
                pair[1],
                places[..places.len().min(3)].join(", "),
                if places.len() > 3 { ", …" } else { "" }
            ));
        }
        found.push(text);
    }
    found
}

fn render(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(m, to)| {
            let to: Vec<&str> = to.keys().map(String::as_str).collect();
            format!("  {m} → {}", to.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_import_cycle_between_core_modules() {
    let graph = graph(&sources());
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "the core's modules import each other in a circle:\n  {}\n\nthe module graph:\n{}",
        cycles.join("\n  "),
        render(&graph)
    );
}

#[test]
fn the_query_layer_depends_on_neither_evidence_nor_rules() {
    let graph = graph(&sources());
    assert!(graph.contains_key("query"), "a `query` module");
    let reached = reach(&graph, "query");
    for above in ["evidence", "rules", "evaluate", "report"] {
        assert!(
            !reached.contains(above),
            "query reaches `{above}`:\n{}",
            render(&graph)
        );
    }
}

fn planted(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()))
        .collect()
}

#[test]
fn the_scan_finds_a_planted_cycle() {
    let files = planted(&[
        (
            "lib.rs",
            "mod a;\nmod b;\nmod c;\npub use c::{Thing, Other};\n",
        ),
        (
            "a/mod.rs",
            "mod inner;\nuse crate::b::X;\n// crate::c is only said\n",
        ),
        (
            "a/inner.rs",
            "use super::Y;\nfn f() { crate::{c::Z, b}; }\n",
        ),
        (
            "b.rs",
            "fn g() -> crate::Thing { todo!() }\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
        ("c.rs", "use super::a::W;\n"),
    ]);
    let graph = graph(&files);
    assert_eq!(
        render(&graph),
        "  a → b, c\n  b → c\n  c → a",
        "edges of the planted crate"
    );
    let cycles = cycles(&graph);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("{a, b, c}, e.g. a → c → a"),
        "{}",
        cycles[0]
    );
}
