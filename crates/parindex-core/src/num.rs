//! Exact numbers: decimal parsing, half-up rounding, exact ratios and Vietnamese display.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds half up (away from zero on a tie) to `dp` decimal places, as the field's rules require.
pub fn round_half_up(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Parses a decimal written with `.` or `,` as the decimal separator, and with `.` or spaces as
/// thousands separators when a comma is the decimal separator or when the grouping is
/// unambiguous (`1.250.000`). Returns `None` for anything else.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let t: String = t.chars().filter(|c| *c != ' ' && *c != '\u{a0}').collect();
    let body = t.strip_prefix(['-', '+']).unwrap_or(&t);
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let normalized = match (dots, commas) {
        (0, 0) | (1, 0) => t.clone(),
        // One comma, no dot: a decimal comma ("0,75").
        (0, 1) => t.replace(',', "."),
        // Dots group thousands, a comma marks the decimals ("1.250.000,5").
        (_, 1) if t.rfind(',') > t.rfind('.') && grouped(body.split(',').next()?, '.') => {
            t.replace('.', "").replace(',', ".")
        }
        // Several dots and no comma: thousands only ("1.250.000").
        (_, 0) if grouped(body, '.') => t.replace('.', ""),
        // Commas group thousands, one dot marks the decimals ("1,250,000.5").
        (0 | 1, _) if grouped(body.split('.').next()?, ',') => t.replace(',', ""),
        _ => return None,
    };
    Decimal::from_str(&normalized).ok()
}

/// True when `digits` is `d{1,3}(sep ddd)+` — a thousands grouping.
fn grouped(digits: &str, sep: char) -> bool {
    let mut parts = digits.split(sep);
    let Some(first) = parts.next() else {
        return false;
    };
    let mut rest = 0;
    for part in parts {
        if part.len() != 3 {
            return false;
        }
        rest += 1;
    }
    rest > 0 && (1..=3).contains(&first.len())
}

/// Writes a decimal the Vietnamese way: decimal comma, dots between thousands, no trailing
/// zeros (`2,5`, `0,75`, `1`, `31.426.800.000`).
pub fn vi_decimal(value: Decimal) -> String {
    let text = canonical_decimal(value);
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// Writes a count the Vietnamese way, thousands grouped by dots (`1.000.000`).
pub fn vi_count(n: usize) -> String {
    vi_decimal(Decimal::from(n))
}

/// Writes a decimal in the JSON contract's form: `.` separator, no trailing zeros, never `-0`.
pub fn canonical_decimal(value: Decimal) -> String {
    let v = value.normalize();
    if v.is_zero() {
        return "0".to_owned();
    }
    // The digits of the mantissa with the point put in: what `Display` writes for a
    // normalised value, without its formatting machinery (a province writes ~10⁶ of them).
    let digits = v.mantissa().unsigned_abs().to_string();
    let scale = v.scale() as usize;
    let mut out = String::with_capacity(digits.len() + scale + 3);
    if v.is_sign_negative() {
        out.push('-');
    }
    match digits.len().checked_sub(scale) {
        Some(0) | None => {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', scale - digits.len()));
            out.push_str(&digits);
        }
        Some(int) => {
            let (whole, fraction) = digits.split_at(int);
            out.push_str(whole);
            if !fraction.is_empty() {
                out.push('.');
                out.push_str(fraction);
            }
        }
    }
    out
}

/// An exact ratio `numerator / denominator`, compared to band edges as a fraction and rounded
/// only for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    pub numerator: Decimal,
    pub denominator: Decimal,
}

impl Fraction {
    pub fn new(numerator: Decimal, denominator: Decimal) -> Self {
        Self {
            numerator,
            denominator,
        }
    }

    /// Nothing arose: the denominator is zero.
    pub fn is_empty(&self) -> bool {
        self.denominator.is_zero()
    }

    /// Compares the fraction with `edge` exactly: `n / d` against `e` as `n` against `e × d`.
    /// `None` when the denominator is zero or the product overflows.
    pub fn cmp_edge(&self, edge: Decimal) -> Option<Ordering> {
        if self.denominator.is_zero() {
            return None;
        }
        let scaled = edge.checked_mul(self.denominator.abs())?;
        let numerator = if self.denominator.is_sign_negative() {
            -self.numerator
        } else {
            self.numerator
        };
        Some(numerator.cmp(&scaled))
    }

    /// `n × factor / d` rounded half up to 2 decimals; `None` when nothing arose.
    pub fn times_rounded(&self, factor: Decimal) -> Option<Decimal> {
        if self.denominator.is_zero() {
            return None;
        }
        let product = self.numerator.checked_mul(factor)?;
        Some(round_half_up(product.checked_div(self.denominator)?, 2))
    }

    /// The ratio as a percentage with 2 decimals, for display only.
    pub fn percent(&self) -> Option<Decimal> {
        self.times_rounded(Decimal::ONE_HUNDRED)
    }
}

impl fmt::Display for Fraction {
    /// `995/1000 (99,50%)`, or `0/0` when nothing arose.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            vi_decimal(self.numerator),
            vi_decimal(self.denominator)
        )?;
        if let Some(p) = self.percent() {
            write!(f, " ({}%)", vi_percent(p))?;
        }
        Ok(())
    }
}

/// A percentage with exactly two decimals and a decimal comma: `99,50`.
pub fn vi_percent(value: Decimal) -> String {
    let mut v = round_half_up(value, 2);
    v.rescale(2);
    v.to_string().replace('.', ",")
}

/// Serde as a canonical decimal string (`"0.75"`), for the JSON contract.
pub(crate) mod decimal_string {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::canonical_decimal(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        parse(&String::deserialize(d)?)
    }

    /// A JSON decimal string read back, or the deserializer's error saying which text.
    pub(crate) fn parse<E: serde::de::Error>(text: &str) -> Result<Decimal, E> {
        text.parse::<Decimal>().map_err(|_| {
            E::custom(format!(
                "`{}` không phải số thập phân",
                crate::visible::visible(text)
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn vi_decimal_groups_the_normalised_display() {
        // What vi_decimal wrote through `Display` before it took canonical_decimal's digits.
        fn reference(value: Decimal) -> String {
            let text = value.normalize().to_string();
            let (sign, body) = text
                .strip_prefix('-')
                .map_or(("", text.as_str()), |r| ("-", r));
            let (int, frac) = body
                .split_once('.')
                .map_or((body, None), |(i, f)| (i, Some(f)));
            let mut grouped = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            frac.map_or_else(
                || format!("{sign}{grouped}"),
                |f| format!("{sign}{grouped},{f}"),
            )
        }
        let values = [
            "0",
            "-0",
            "1",
            "-1",
            "2.50",
            "0.75",
            "31426800000",
            "-1234567.891",
            "0.001",
        ];
        for v in values
            .iter()
            .map(|s| d(s))
            .chain((0..300).map(|i| Decimal::new(i * 7919 - 99_000, (i % 7) as u32)))
        {
            assert_eq!(vi_decimal(v), reference(v), "{v:?}");
        }
        assert_eq!(vi_decimal(d("31426800000")), "31.426.800.000");
        assert_eq!(vi_decimal(d("-2.50")), "-2,5");
    }

    #[test]
    fn canonical_decimal_is_the_normalised_display() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.000",
            "1",
            "-1",
            "10",
            "100.00",
            "0.5",
            "-0.05",
            "0.001",
            "1.25",
            "12.5000",
            "-123.456",
            "99.99",
            "2.10",
            "0.0000000001",
            "-0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "1000000",
            "0.1000",
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        values.extend((0..400).map(|i| Decimal::new(i * 37 - 7000, (i % 9) as u32)));
        for v in values {
            let normal = v.normalize();
            let expected = if normal.is_zero() {
                "0".to_owned()
            } else {
                normal.to_string()
            };
            assert_eq!(canonical_decimal(v), expected, "{v:?}");
        }
    }

    #[test]
    fn parses_vietnamese_and_plain_decimals() {
        assert_eq!(parse_decimal("0,75"), Some(d("0.75")));
        assert_eq!(parse_decimal("0.75"), Some(d("0.75")));
        assert_eq!(parse_decimal("1.250.000"), Some(d("1250000")));
        assert_eq!(parse_decimal("1.250.000,50"), Some(d("1250000.50")));
        assert_eq!(parse_decimal("1,250,000.50"), Some(d("1250000.50")));
        assert_eq!(parse_decimal(" -2 "), Some(d("-2")));
        assert_eq!(parse_decimal("1.25.0"), None);
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal(""), None);
    }

    #[test]
    fn rounds_half_up() {
        assert_eq!(round_half_up(d("1.745"), 2), d("1.75"));
        assert_eq!(round_half_up(d("1.744999"), 2), d("1.74"));
        assert_eq!(round_half_up(d("-0.125"), 2), d("-0.13"));
    }

    #[test]
    fn compares_fractions_exactly() {
        let r = Fraction::new(d("949"), d("1000"));
        assert_eq!(r.cmp_edge(d("0.95")), Some(Ordering::Less));
        let r = Fraction::new(d("19"), d("20"));
        assert_eq!(r.cmp_edge(d("0.95")), Some(Ordering::Equal));
        // 2/3 is below 0.6667 and above 0.6666, which a rounded float would blur.
        let r = Fraction::new(d("2"), d("3"));
        assert_eq!(r.cmp_edge(d("0.6667")), Some(Ordering::Less));
        assert_eq!(r.cmp_edge(d("0.6666")), Some(Ordering::Greater));
        assert_eq!(Fraction::new(d("0"), d("0")).cmp_edge(d("1")), None);
    }

    #[test]
    fn formats_the_vietnamese_way() {
        assert_eq!(vi_decimal(d("2.50")), "2,5");
        assert_eq!(vi_decimal(d("999")), "999");
        assert_eq!(vi_decimal(d("1026")), "1.026");
        assert_eq!(vi_count(7), "7");
        assert_eq!(vi_count(1058), "1.058");
        assert_eq!(vi_count(1_000_000), "1.000.000");
        assert_eq!(vi_decimal(d("-31426800000.5")), "-31.426.800.000,5");
        assert_eq!(canonical_decimal(d("-0.00")), "0");
        assert_eq!(
            Fraction::new(d("995"), d("1000")).to_string(),
            "995/1.000 (99,50%)"
        );
    }
}
