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
                let inner_end = rest.find('}').ok_or(UNTERMINATED_VARIABLE)?;
                let inner = rest.get(2..inner_end).unwrap_or("");
                rest = rest.get(inner_end + 1..).unwrap_or("");
                match inner {
                    "*" | "?" | "$" => lit.push_str(inner),
                    _ => {
                        let (key, default) = match inner.split_once(',') {
                            Some((k, d)) => {
                                let d = d.trim();
                                let d = d
                                    .strip_prefix('\'')
                                    .and_then(|d| d.strip_suffix('\''))
                                    .ok_or("policy variable default must be quoted with '")?;
                                (k.trim(), Some(d.into()))
                            }
                            None => (inner.trim(), None),
                        };
                        if key.is_empty() {
                            return Err("empty policy variable");
                        }
                        flush(&mut lit, &mut toks);
                        has_vars = true;
                        toks.push(Tok::Var {
                            key: key.to_ascii_lowercase().into(),
                            default,
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

impl ArnPattern {
    /// Compiles an ARN pattern; `Err` with a reason if `strict` and it is neither `*` nor six
    /// parts starting with `arn`.
    pub(crate) fn compile(text: &str, variables: bool, strict: bool) -> Result<Self, &'static str> {
        if text == "*" {
            return Ok(ArnPattern::Any);
        }
        let Some(parts) = split_arn(text) else {
            return if strict {
                Err("must be '*' or an ARN with six colon-separated parts")
            } else {
                Ok(ArnPattern::Never)
            };
        };
        if strict && parts[0] != "arn" {
            return Err("must be '*' or start with 'arn:'");
        }
        let [a, b, c, d, e, f] = parts.map(|p| Pattern::compile(p, true, variables, false));
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
        assert!(ArnPattern::compile("arn:aws:*", true, true).is_err());
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
