//! One reading of a rule's text, shared by everything that looks inside a rule without running
//! it — `check` (lint) and `explain`: the rule as tokens (names, strings, numbers, brackets),
//! comments and whitespace dropped, each with its line and column. Two readers that each skip
//! comments their own way saw different rules (a band table in a `/* … */` comment was read by
//! `explain` and not by `check`).

use std::collections::HashSet;
use std::str::FromStr;

use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A name: `bands`, `let`, `r`.
    Ident,
    /// A `"…"` string; `text` is its value.
    Str,
    /// A number as written (`0.95`, `1_000`).
    Num,
    /// `#{`, the start of a map.
    MapOpen,
    /// Any other single character: brackets, `,`, `.`, `-`, …
    Punct(char),
    /// A backtick string or a character literal: never a name or a number.
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) text: String,
    /// 1-based line and column (in characters) inside the rule.
    pub(crate) line: usize,
    pub(crate) col: usize,
}

impl Token {
    pub(crate) fn is(&self, kind: Kind) -> bool {
        self.kind == kind
    }

    pub(crate) fn is_ident(&self, name: &str) -> bool {
        self.kind == Kind::Ident && self.text == name
    }
}

struct Cursor {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
}

impl Cursor {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn bump_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek(0).filter(|&c| keep(c)) {
            out.push(c);
            self.bump();
        }
        out
    }
}

/// The rule as tokens; comments and whitespace dropped.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut cur = Cursor {
        chars: text.chars().collect(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut out = Vec::new();
    while let Some(c) = cur.peek(0) {
        let (line, col) = (cur.line, cur.col);
        let mut push = |kind: Kind, text: String| {
            out.push(Token {
                kind,
                text,
                line,
                col,
            })
        };
        if c.is_whitespace() {
            cur.bump();
        } else if c == '/' && cur.peek(1) == Some('/') {
            cur.bump_while(|c| c != '\n');
        } else if c == '/' && cur.peek(1) == Some('*') {
            // Block comments nest in rhai.
            let mut depth = 0usize;
            while let Some(c) = cur.peek(0) {
                if c == '/' && cur.peek(1) == Some('*') {
                    depth += 1;
                    cur.bump();
                } else if c == '*' && cur.peek(1) == Some('/') {
                    depth -= 1;
                    cur.bump();
                    cur.bump();
                    if depth == 0 {
                        break;
                    }
                    continue;
                }
                cur.bump();
            }
        } else if c == '"' {
            cur.bump();
            let mut value = String::new();
            while let Some(c) = cur.bump() {
                match c {
                    '"' => break,
                    '\\' => match cur.bump() {
                        Some('n') => value.push('\n'),
                        Some('t') => value.push('\t'),
                        Some('\n') => {}
                        Some(other) => value.push(other),
                        None => {}
                    },
                    other => value.push(other),
                }
            }
            push(Kind::Str, value);
        } else if c == '`' || c == '\'' {
            cur.bump();
            while let Some(d) = cur.bump() {
                if d == '\\' {
                    cur.bump();
                } else if d == c {
                    break;
                }
            }
            push(Kind::Other, String::new());
        } else if c.is_ascii_digit() {
            let mut number = cur.bump_while(|c| c.is_ascii_digit() || c == '_');
            if cur.peek(0) == Some('.') && cur.peek(1).is_some_and(|c| c.is_ascii_digit()) {
                cur.bump();
                number.push('.');
                number.push_str(&cur.bump_while(|c| c.is_ascii_digit() || c == '_'));
            }
            // Exponents, hex digits: kept so that the number does not parse as a literal.
            number.push_str(&cur.bump_while(|c| c.is_alphanumeric() || c == '_'));
            push(Kind::Num, number);
        } else if c.is_alphabetic() || c == '_' {
            let name = cur.bump_while(|c| c.is_alphanumeric() || c == '_');
            push(Kind::Ident, name);
        } else if c == '#' && cur.peek(1) == Some('{') {
            cur.bump();
            cur.bump();
            push(Kind::MapOpen, "#{".to_owned());
        } else {
            cur.bump();
            push(Kind::Punct(c), c.to_string());
        }
    }
    out
}

pub(crate) fn opens(t: &Token) -> bool {
    matches!(t.kind, Kind::Punct('(' | '[' | '{') | Kind::MapOpen)
}

pub(crate) fn closes(t: &Token) -> bool {
    matches!(t.kind, Kind::Punct(')' | ']' | '}'))
}

/// The index of the bracket that closes the one at `open`.
pub(crate) fn matching(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if opens(t) {
            depth += 1;
        } else if closes(t) {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// The items of a bracketed list's inside, split at its own commas.
pub(crate) fn split_commas(tokens: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if opens(t) {
            depth += 1;
        } else if closes(t) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && t.is(Kind::Punct(',')) {
            out.push(&tokens[start..i]);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(&tokens[start..]);
    }
    out
}

/// A call `name(args…)`; for a method call `x.name(args…)` the receiver is the first argument
/// (an empty slice: never a literal).
pub(crate) struct Call<'t> {
    pub(crate) name: &'t Token,
    pub(crate) args: Vec<&'t [Token]>,
}

pub(crate) fn calls(tokens: &[Token]) -> Vec<Call<'_>> {
    // A rule's own `fn bands(…)` is not the helper.
    let own: HashSet<&str> = tokens
        .windows(2)
        .filter(|w| w[0].is_ident("fn") && w[1].is(Kind::Ident))
        .map(|w| w[1].text.as_str())
        .collect();
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !t.is(Kind::Ident)
            || own.contains(t.text.as_str())
            || !tokens.get(i + 1).is_some_and(|n| n.is(Kind::Punct('(')))
        {
            continue;
        }
        let before = i.checked_sub(1).and_then(|b| tokens.get(b));
        if before.is_some_and(|b| b.is_ident("fn")) {
            continue;
        }
        let Some(close) = matching(tokens, i + 1) else {
            continue;
        };
        let mut args = split_commas(&tokens[i + 2..close]);
        if before.is_some_and(|b| b.is(Kind::Punct('.'))) {
            args.insert(0, &[]);
        }
        out.push(Call { name: t, args });
    }
    out
}

/// A string literal argument.
pub(crate) fn lit_str(arg: &[Token]) -> Option<&Token> {
    match arg {
        [t] if t.is(Kind::Str) => Some(t),
        _ => None,
    }
}

/// A number literal argument (`2`, `0.5`, `-2`) and the token to point at.
pub(crate) fn lit_num(arg: &[Token]) -> Option<(Decimal, &Token)> {
    let parse = |t: &Token| Decimal::from_str(&t.text.replace('_', "")).ok();
    match arg {
        [t] if t.is(Kind::Num) => parse(t).map(|d| (d, t)),
        [sign, t] if sign.is(Kind::Punct('-')) && t.is(Kind::Num) => parse(t).map(|d| (-d, sign)),
        [sign, t] if sign.is(Kind::Punct('+')) && t.is(Kind::Num) => parse(t).map(|d| (d, sign)),
        _ => None,
    }
}

/// The items of an array literal `[…]`.
pub(crate) fn lit_list(arg: &[Token]) -> Option<Vec<&[Token]>> {
    let last = arg.len().checked_sub(1)?;
    if !arg.first()?.is(Kind::Punct('[')) || matching(arg, 0) != Some(last) {
        return None;
    }
    Some(split_commas(&arg[1..last]))
}

/// The entries of a map literal `#{ key: value, … }`, as (key token, value tokens).
pub(crate) fn lit_map(arg: &[Token]) -> Option<Vec<(&Token, &[Token])>> {
    let last = arg.len().checked_sub(1)?;
    if !arg.first()?.is(Kind::MapOpen) || matching(arg, 0) != Some(last) {
        return None;
    }
    Some(
        split_commas(&arg[1..last])
            .into_iter()
            .filter_map(|entry| match entry {
                [key, colon, value @ ..] if colon.is(Kind::Punct(':')) => Some((key, value)),
                _ => None,
            })
            .collect(),
    )
}

/// What kind of literal an argument is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    Str,
    Integer,
    Decimal,
    Bool,
    Array,
    Map,
    /// `()`.
    Unit,
}

impl Written {
    /// The literal in the words of `check`'s messages.
    pub(crate) fn vi(self) -> &'static str {
        match self {
            Written::Str => "một chuỗi",
            Written::Integer => "một số nguyên",
            Written::Decimal => "một số thập phân",
            Written::Bool => "một giá trị true/false",
            Written::Array => "một mảng",
            Written::Map => "một bảng #{…}",
            Written::Unit => "()",
        }
    }
}

/// The kind of literal `arg` is, and its first token; `None` for an expression.
pub(crate) fn literal(arg: &[Token]) -> Option<(Written, &Token)> {
    let first = arg.first()?;
    if let Some((_, t)) = lit_num(arg) {
        let number = arg.last()?;
        let kind = if number.text.contains('.') {
            Written::Decimal
        } else {
            Written::Integer
        };
        return Some((kind, t));
    }
    let whole = |open: usize| matching(arg, open) == Some(arg.len() - 1);
    let kind = match arg {
        [t] if t.is(Kind::Str) => Written::Str,
        [t] if t.is_ident("true") || t.is_ident("false") => Written::Bool,
        [open, close] if open.is(Kind::Punct('(')) && close.is(Kind::Punct(')')) => Written::Unit,
        _ if first.is(Kind::Punct('[')) && whole(0) => Written::Array,
        _ if first.is(Kind::MapOpen) && whole(0) => Written::Map,
        _ => return None,
    };
    Some((kind, first))
}

/// The facts a fact helper call names (`fact(a)`, `has_fact(a)`, `fact_ratio(a, b)`), as the
/// string literals it is given; nothing for any other call.
pub(crate) fn fact_names<'t>(call: &Call<'t>) -> Vec<&'t Token> {
    let Some(form) =
        crate::rules::registry::forms(&call.name.text).find(|f| f.args.len() == call.args.len())
    else {
        return Vec::new();
    };
    (form.args.iter().zip(&call.args))
        .filter(|(kind, _)| **kind == crate::rules::registry::Arg::Fact)
        .filter_map(|(_, arg)| lit_str(arg))
        .collect()
}

/// The facts a set's rules name — the string arguments of `fact`, `fact_ratio` and `has_fact`
/// in code (not in comments) — in order of first use: what a form of the unit's facts asks for.
pub fn facts_named(set: &crate::criteria::CriteriaSet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, leaf) in set.leaves() {
        let Some(rule) = &leaf.rule else { continue };
        let tokens = tokenize(&rule.text);
        for call in calls(&tokens) {
            for name in fact_names(&call) {
                if !name.text.is_empty() && !out.contains(&name.text) {
                    out.push(name.text.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn comments_and_strings_are_not_code() {
        let t = kinds("// table(\"x\")\n/* bands( /* nested */ */ fact(\"a // b\") `table(\"y\")`");
        assert_eq!(
            t,
            vec![
                (Kind::Ident, "fact".to_owned()),
                (Kind::Punct('('), "(".to_owned()),
                (Kind::Str, "a // b".to_owned()),
                (Kind::Punct(')'), ")".to_owned()),
                (Kind::Other, String::new()),
            ]
        );
    }

    #[test]
    fn numbers_and_positions() {
        let tokens = tokenize("bands(r,\n  [[0.95, 1_000], [-2, #{a: 1}]])");
        let nums: Vec<(&str, usize, usize)> = tokens
            .iter()
            .filter(|t| t.is(Kind::Num))
            .map(|t| (t.text.as_str(), t.line, t.col))
            .collect();
        assert_eq!(
            nums,
            vec![("0.95", 2, 5), ("1_000", 2, 11), ("2", 2, 21), ("1", 2, 29)]
        );
    }
}
