//! Wildcards, policy variables and ARN-segment matching, compiled once at parse time.
//!
//! A [`Pattern`] is a list of tokens: literal runs, `*` (any run of characters), `?` (exactly one
//! character) and policy variables (`${key}`, resolved against the request context at evaluation
//! and always matched literally). `${*}`, `${?}` and `${$}` compile to the literal characters.
//! Matching never allocates, never recurses, and runs in O(pattern × text) in the worst case.

use super::context::RequestContext;
use std::borrow::Cow;

/// One element of a compiled pattern.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// Text that must appear as-is.
    Lit(Box<str>),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
    /// `${key}` or `${key, 'default'}`: the context value of `key` (stored lowercased).
    Var {
        key: Box<str>,
        default: Option<Box<str>>,
    },
}

/// A compiled string pattern. `source` keeps the text as written, for serialization.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pattern {
    toks: Box<[Tok]>,
    has_vars: bool,
}

/// Why a pattern's text was refused.
pub(crate) const UNTERMINATED_VARIABLE: &str = "unterminated policy variable '${'";

/// What one `${…}` holds.
enum Var<'a> {
    /// `${*}`, `${?}`, `${$}`: the character itself.
    Literal(char),
    /// A context key and its default value, if one is given.
    Key(&'a str, Option<&'a str>),
}

/// Reads a policy variable from `after` (the text after `${`), with the whole documented grammar
/// (IAM User Guide, "IAM policy elements: Variables and tags", *Specifying default values*):
/// `${key}`, `${key, 'default'}`, whitespace around the key and the default ignored, the default
/// case-sensitive and free to hold any character but `'`. Returns the variable and the text after
/// its `}`.
fn read_variable(after: &str) -> Result<(Var<'_>, &str), &'static str> {
    let s = after.trim_start();
    let key_end = s
        .find(|c: char| c == '}' || c == ',' || c.is_whitespace())
        .ok_or(UNTERMINATED_VARIABLE)?;
    let key = s.get(..key_end).unwrap_or("");
    let s = s.get(key_end..).unwrap_or("").trim_start();
    let (default, s) = match s.strip_prefix(',') {
        Some(d) => {
            let d = d
                .trim_start()
                .strip_prefix('\'')
                .ok_or("policy variable default must be quoted with '")?;
            let (value, rest) = d.split_once('\'').ok_or(UNTERMINATED_VARIABLE)?;
            (Some(value), rest.trim_start())
        }
        None => (None, s),
    };
    let rest = s.strip_prefix('}').ok_or(UNTERMINATED_VARIABLE)?;
    let var = match (key, default) {
        ("*", None) => Var::Literal('*'),
        ("?", None) => Var::Literal('?'),
        ("$", None) => Var::Literal('$'),
        ("", _) => return Err("empty policy variable"),
        (k, _) if k.contains(['$', '{', '\'']) => return Err("invalid policy variable name"),
        (k, d) => Var::Key(k, d),
    };
    Ok((var, rest))
}

/// `text` with every policy variable replaced by `\u{1}` (and `${*}`-style escapes by their
/// character), so its ARN structure can be checked without the variables' own colons; `Err` if a
/// variable does not parse.
pub(crate) fn skeleton(text: &str) -> Result<String, &'static str> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let (var, after) = read_variable(rest.get(at + 2..).unwrap_or(""))?;
        out.push(match var {
            Var::Literal(c) => c,
            Var::Key(..) => VARIABLE_MARK,
        });
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// What [`skeleton`] puts where a variable was.
pub(crate) const VARIABLE_MARK: char = '\u{1}';

impl Pattern {
    /// Compiles `text`. With `wildcards`, `*` and `?` are wildcards; with `variables`, `${…}` is a
    /// policy variable (Version `2012-10-17` only). `lowercase` folds literals to ASCII lowercase
    /// (for actions, which match case-insensitively).
    pub(crate) fn compile(
        text: &str,
        wildcards: bool,
        variables: bool,
        lowercase: bool,
    ) -> Result<Self, &'static str> {
        let mut toks = Vec::new();
        let mut lit = String::new();
        let mut has_vars = false;
        let mut rest = text;
        let flush = |lit: &mut String, toks: &mut Vec<Tok>| {
            if !lit.is_empty() {
                toks.push(Tok::Lit(std::mem::take(lit).into_boxed_str()));
            }
        };
        while let Some(c) = rest.chars().next() {
            if variables && rest.starts_with("${") {
                let (var, after) = read_variable(rest.get(2..).unwrap_or(""))?;
                rest = after;
                match var {
                    Var::Literal(l) => lit.push(l),
                    Var::Key(key, default) => {
                        flush(&mut lit, &mut toks);
                        has_vars = true;
                        toks.push(Tok::Var {
                            key: key.to_ascii_lowercase().into(),
                            default: default.map(Into::into),
                        });
                    }
                }
                continue;
            }
            rest = rest.get(c.len_utf8()..).unwrap_or("");
            match c {
                '*' if wildcards => {
                    flush(&mut lit, &mut toks);
                    // Consecutive stars are one star.
                    if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                }
                '?' if wildcards => {
                    flush(&mut lit, &mut toks);
                    toks.push(Tok::One);
                }
                _ if lowercase => lit.push(c.to_ascii_lowercase()),
                _ => lit.push(c),
            }
        }
        flush(&mut lit, &mut toks);
        Ok(Pattern {
            toks: toks.into_boxed_slice(),
            has_vars,
        })
    }

    /// The value of a variable, `None` when its key is absent (and it has no default) or has
    /// more than one value.
    fn var<'c>(key: &str, default: Option<&'c str>, ctx: &'c RequestContext) -> Option<&'c str> {
        match ctx.lookup(key) {
            Some([one]) => Some(one.text()),
            Some([]) | None => default,
            Some(_) => None,
        }
    }

    /// Whether every variable of the pattern resolves.
    fn vars_resolve(&self, ctx: &RequestContext) -> bool {
        !self.has_vars
            || self.toks.iter().all(|t| match t {
                Tok::Var { key, default } => Self::var(key, default.as_deref(), ctx).is_some(),
                _ => true,
            })
    }

    /// The pattern's text with variables substituted, for patterns without wildcards. `None`
    /// when a variable's key is absent: the value then matches nothing.
    pub(crate) fn resolve<'a>(&'a self, ctx: &'a RequestContext) -> Option<Cow<'a, str>> {
        match &*self.toks {
            [] => Some(Cow::Borrowed("")),
            [Tok::Lit(s)] => Some(Cow::Borrowed(s)),
            toks => {
                let mut out = String::new();
                for t in toks {
                    match t {
                        Tok::Lit(s) => out.push_str(s),
                        Tok::Star => out.push('*'),
                        Tok::One => out.push('?'),
                        Tok::Var { key, default } => {
                            out.push_str(Self::var(key, default.as_deref(), ctx)?);
                        }
                    }
                }
                Some(Cow::Owned(out))
            }
        }
    }

    /// The pattern's tokens with every variable replaced by its value as a literal (so a `*` in a
    /// value stays a character); `None` when a variable does not resolve.
    fn substituted(&self, ctx: &RequestContext) -> Option<Vec<Tok>> {
        self.toks
            .iter()
            .map(|t| match t {
                Tok::Var { key, default } => {
                    Self::var(key, default.as_deref(), ctx).map(|v| Tok::Lit(v.into()))
                }
                other => Some(other.clone()),
            })
            .collect()
    }

    /// Whether `text` matches the whole pattern (case-sensitively).
    pub(crate) fn matches(&self, text: &str, ctx: &RequestContext) -> bool {
        // Fast paths for the common shapes.
        match &*self.toks {
            [] => return text.is_empty(),
            [Tok::Lit(s)] => return **s == *text,
            [Tok::Star] => return true,
            [Tok::Lit(s), Tok::Star] => return text.starts_with(&**s),
            _ => {}
        }
        if !self.vars_resolve(ctx) {
            return false;
        }
        let toks = &*self.toks;
        let (mut ti, mut si) = (0usize, 0usize);
        // After a mismatch, retry from the last star, letting it swallow one more character.
        let mut backtrack: Option<(usize, usize)> = None;
        loop {
            let rest = text.get(si..).unwrap_or("");
            let advanced = match toks.get(ti) {
                Some(Tok::Star) => {
                    backtrack = Some((ti + 1, si));
                    ti += 1;
                    continue;
                }
                Some(Tok::One) => rest.chars().next().map(char::len_utf8),
                Some(Tok::Lit(s)) => rest.starts_with(&**s).then_some(s.len()),
                Some(Tok::Var { key, default }) => Self::var(key, default.as_deref(), ctx)
                    .filter(|v| rest.starts_with(v))
                    .map(str::len),
                None if rest.is_empty() => return true,
                None => None,
            };
            match advanced {
                Some(n) => {
                    si += n;
                    ti += 1;
                }
                None => {
                    let Some((bti, bsi)) = backtrack else {
                        return false;
                    };
                    let Some(c) = text.get(bsi..).and_then(|r| r.chars().next()) else {
                        return false;
                    };
                    let nsi = bsi + c.len_utf8();
                    backtrack = Some((bti, nsi));
                    ti = bti;
                    si = nsi;
                }
            }
        }
    }
}

/// An ARN pattern: `*`, or six colon-separated parts each matched on its own, so a wildcard never
/// crosses a colon (the resource part, the sixth, may itself contain colons).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ArnPattern {
    /// `*`: every ARN.
    Any,
    /// Six part patterns.
    Parts(Box<[Pattern; 6]>),
    /// A pattern with policy variables: the variables are substituted first and the result split
    /// into parts at evaluation, so a variable may hold colons (`${aws:PrincipalArn}`) and a
    /// colon inside `${…}` never splits. `bool`: pad missing parts with `*` (as `Resource` does).
    Deferred(Pattern, bool),
    /// Fewer than six parts: matches nothing (only reachable through condition values).
    Never,
}

/// Splits an ARN into its six parts without allocating; `None` if it has fewer.
pub(crate) fn split_arn(text: &str) -> Option<[&str; 6]> {
    let mut it = text.splitn(6, ':');
    let parts = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    Some(parts)
}

/// Splits compiled tokens into ARN parts at the colons of their literals (at most six parts, the
/// last keeping its colons); with `pad`, missing parts become `*`.
fn split_tokens(toks: Vec<Tok>, pad: bool) -> Option<Vec<Pattern>> {
    let mut parts: Vec<Vec<Tok>> = vec![Vec::new()];
    for t in toks {
        let Tok::Lit(text) = t else {
            if let Some(last) = parts.last_mut() {
                last.push(t);
            }
            continue;
        };
        let mut rest: &str = &text;
        loop {
            let cut = if parts.len() < 6 {
                rest.split_once(':')
            } else {
                None
            };
            let (head, tail) = cut.unwrap_or((rest, ""));
            if !head.is_empty() {
                if let Some(last) = parts.last_mut() {
                    last.push(Tok::Lit(head.into()));
                }
            }
            if cut.is_none() {
                break;
            }
            parts.push(Vec::new());
            rest = tail;
        }
    }
    if parts.len() < 6 {
        if !pad {
            return None;
        }
        parts.resize_with(6, || vec![Tok::Star]);
    }
    Some(
        parts
            .into_iter()
            .map(|toks| Pattern {
                toks: toks.into_boxed_slice(),
                has_vars: false,
            })
            .collect(),
    )
}

impl ArnPattern {
    /// Compiles an ARN pattern. With `pad` (the `Resource` element), an ARN of fewer than six
    /// parts has its missing parts read as `*`, as IAM normalises them (its error messages show
    /// `arn:b:cadfsdf:*:*:*` for `a:b:cadfsdf`); without, it matches nothing. Structure is
    /// validated by the caller; this only reads.
    pub(crate) fn compile(text: &str, variables: bool, pad: bool) -> Result<Self, &'static str> {
        if text == "*" {
            return Ok(ArnPattern::Any);
        }
        // Variables only after the fifth colon (`arn:aws:s3:::home/${aws:username}/*`, the common
        // case) sit in the resource part, which keeps its colons anyway: the part patterns can
        // hold them, and evaluation needs no substitution pass.
        let first_var = text.find("${").filter(|_| variables);
        let colons_before = |at: usize| text.get(..at).map_or(0, |h| h.matches(':').count());
        if first_var.is_some_and(|at| colons_before(at) < 5) {
            let pattern = Pattern::compile(text, true, true, false)?;
            if pattern.has_vars {
                return Ok(ArnPattern::Deferred(pattern, pad));
            }
        }
        let parts = match split_arn(text) {
            Some(parts) => parts.map(|p| Pattern::compile(p, true, variables, false)),
            None if pad => {
                let mut it = text.split(':');
                [(); 6].map(|()| Pattern::compile(it.next().unwrap_or("*"), true, variables, false))
            }
            None => return Ok(ArnPattern::Never),
        };
        let [a, b, c, d, e, f] = parts;
        Ok(ArnPattern::Parts(Box::new([a?, b?, c?, d?, e?, f?])))
    }

    /// Whether `arn` matches, part by part.
    pub(crate) fn matches(&self, arn: &str, ctx: &RequestContext) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Never => false,
            ArnPattern::Parts(pats) => match split_arn(arn) {
                Some(parts) => pats.iter().zip(parts).all(|(p, s)| p.matches(s, ctx)),
                None => false,
            },
            ArnPattern::Deferred(pattern, pad) => {
                let Some(parts) = split_arn(arn) else {
                    return false;
                };
                pattern
                    .substituted(ctx)
                    .and_then(|toks| split_tokens(toks, *pad))
                    .is_some_and(|pats| pats.iter().zip(parts).all(|(p, s)| p.matches(s, ctx)))
            }
        }
    }
}

/// Case-insensitive equality that folds Unicode, without allocating.
pub(crate) fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn like(p: &str, s: &str) -> bool {
        let ctx = RequestContext::new("s3:GetObject");
        Pattern::compile(p, true, true, false)
            .unwrap()
            .matches(s, &ctx)
    }

    #[test]
    fn wildcards_match_runs_and_single_characters() {
        assert!(like("*", ""));
        assert!(like("a*c", "abbbc"));
        assert!(like("a*c", "ac"));
        assert!(!like("a*c", "ab"));
        assert!(like("a?c", "abc"));
        assert!(!like("a?c", "ac"));
        assert!(like("*b*b*", "abxbz"));
        assert!(!like("*b*b*", "abz"));
        assert!(like("é?", "éü"));
        assert!(like("a**b", "ab"));
        assert!(like("${*}x", "*x"));
        assert!(!like("${*}x", "yx"));
        assert!(like("${?}${$}", "?$"));
        assert!(like("*a*a*a*a*a*b", &("a".repeat(40) + "b")));
        assert!(!like("*a*a*a*a*a*b", &"a".repeat(40)));
    }

    #[test]
    fn variables_resolve_from_the_context_and_absent_ones_match_nothing() {
        let mut ctx = RequestContext::new("s3:GetObject");
        ctx.insert("aws:username", "alice");
        let p = Pattern::compile("home/${aws:UserName}/*", true, true, false).unwrap();
        assert!(p.matches("home/alice/x", &ctx));
        assert!(!p.matches("home/bob/x", &ctx));
        let q = Pattern::compile("${aws:userid}", true, true, false).unwrap();
        assert!(!q.matches("", &ctx));
        let d = Pattern::compile("${aws:userid, 'none'}", true, true, false).unwrap();
        assert!(d.matches("none", &ctx));
        // A value containing '*' is matched literally.
        ctx.insert("aws:username", "*");
        assert!(!p.matches("home/bob/x", &ctx));
        assert!(Pattern::compile("${aws:x", true, true, false).is_err());
        // Without variables (Version 2008-10-17), `${` is literal text.
        let lit = Pattern::compile("${aws:x", true, false, false).unwrap();
        assert!(lit.matches("${aws:x", &ctx));
    }

    #[test]
    fn arn_wildcards_never_cross_a_colon() {
        let ctx = RequestContext::new("s3:GetObject");
        let p = ArnPattern::compile("arn:aws:iam::*:role/*", true, true).unwrap();
        assert!(p.matches("arn:aws:iam::123456789012:role/x", &ctx));
        assert!(!p.matches("arn:aws:iam:us-east-1:123456789012:role/x", &ctx));
        let q = ArnPattern::compile("arn:aws:*", true, false).unwrap();
        assert_eq!(q, ArnPattern::Never);
        // A variable in the resource part alone keeps the six-part form; elsewhere it is deferred.
        let home = ArnPattern::compile("arn:aws:s3:::home/${aws:username}/*", true, true).unwrap();
        assert!(matches!(home, ArnPattern::Parts(_)));
        let acct = ArnPattern::compile("arn:aws:iam::${aws:PrincipalAccount}:root", true, true);
        assert!(matches!(acct, Ok(ArnPattern::Deferred(..))));
        // In `Resource`, missing parts are read as `*`.
        let padded = ArnPattern::compile("arn:aws:s3", true, true).unwrap();
        assert!(padded.matches("arn:aws:s3:::b/k", &ctx));
        assert!(!padded.matches("arn:aws:s4:::b/k", &ctx));
        let r = ArnPattern::compile("arn:aws:logs:*:*:log-group:*", true, true).unwrap();
        assert!(r.matches("arn:aws:logs:eu-west-1:123456789012:log-group:a:b", &ctx));
    }

    #[test]
    fn ignore_case_folds_unicode_even_against_ascii() {
        assert!(eq_ignore_case("Alice", "aLICE"));
        assert!(!eq_ignore_case("alice", "alicia"));
        assert!(eq_ignore_case("ÉCOLE", "école"));
        // KELVIN SIGN lowercases to an ASCII 'k': one side ASCII is not enough for the fast path.
        assert!(eq_ignore_case("kelvin", "\u{212A}elvin"));
        assert!(eq_ignore_case("\u{212A}elvin", "KELVIN"));
        assert!(!eq_ignore_case("kelvin", "\u{212A}elvins"));
    }
}
