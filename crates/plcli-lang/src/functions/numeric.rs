//! Numeric functions: abs ceil floor log max min parseint pow signum.

use super::conversion::friendly_value;
use super::{to_int, Args, FuncError};
use crate::Value;

fn num(n: f64) -> Value {
    // Terraform has no negative zero.
    Value::Number(if n == 0.0 { 0.0 } else { n })
}

fn checked(n: f64, what: &str) -> Result<Value, FuncError> {
    if n.is_nan() {
        Err(FuncError::call(format!("the result of {what} is not a number")))
    } else {
        Ok(num(n))
    }
}

pub(super) fn abs(a: Args) -> Result<Value, FuncError> {
    Ok(num(a.num(0).abs()))
}

pub(super) fn ceil(a: Args) -> Result<Value, FuncError> {
    Ok(num(a.num(0).ceil()))
}

pub(super) fn floor(a: Args) -> Result<Value, FuncError> {
    Ok(num(a.num(0).floor()))
}

pub(super) fn log(a: Args) -> Result<Value, FuncError> {
    checked(a.num(0).ln() / a.num(1).ln(), "log")
}

pub(super) fn pow(a: Args) -> Result<Value, FuncError> {
    checked(a.num(0).powf(a.num(1)), "pow")
}

pub(super) fn signum(a: Args) -> Result<Value, FuncError> {
    let n = to_int(a.num(0)).map_err(FuncError::call)?;
    Ok(Value::Number(n.signum() as f64))
}

fn extreme(a: &Args, pick: fn(f64, f64) -> f64) -> Result<Value, FuncError> {
    let mut nums = a.vals.iter().filter_map(Value::as_number);
    let Some(first) = nums.next() else {
        return Err(FuncError::call("must pass at least one number"));
    };
    checked(nums.fold(first, pick), "comparison")
}

pub(super) fn max(a: Args) -> Result<Value, FuncError> {
    extreme(&a, f64::max)
}

pub(super) fn min(a: Args) -> Result<Value, FuncError> {
    extreme(&a, f64::min)
}

/// The value of digit `c` in `base`, as Go's `big.Int.SetString` reads it: for bases up to 36
/// letters of either case are 10..35; above that lower case is 10..35 and upper case 36..61.
fn digit_value(c: char, base: u32) -> Option<u32> {
    let d = match c {
        '0'..='9' => c as u32 - '0' as u32,
        'a'..='z' => c as u32 - 'a' as u32 + 10,
        'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
        'A'..='Z' => c as u32 - 'A' as u32 + 36,
        _ => return None,
    };
    (d < base).then_some(d)
}

pub(super) fn parseint(a: Args) -> Result<Value, FuncError> {
    let Value::String(s) = &a.vals[0] else {
        return Err(a.err(0, format!("first argument must be a string, not {}", friendly_value(&a.vals[0]))));
    };
    let base = to_int(a.num(1)).map_err(|e| a.err(1, e))?;
    if !(2..=62).contains(&base) {
        return Err(a.err(1, "base must be a whole number between 2 and 62 inclusive"));
    }
    let base = base as u32;
    let fail = || a.err(0, format!("cannot parse {s:?} as a base {base} integer"));
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s.as_str()),
    };
    if digits.is_empty() {
        return Err(fail());
    }
    // Exact while it fits in u128, then approximate (plcli numbers are f64).
    let mut exact: Option<u128> = Some(0);
    let mut approx = 0f64;
    for c in digits.chars() {
        let d = digit_value(c, base).ok_or_else(fail)?;
        exact = exact.and_then(|v| v.checked_mul(base as u128)).and_then(|v| v.checked_add(d as u128));
        approx = approx * base as f64 + d as f64;
    }
    let v = exact.map_or(approx, |e| e as f64);
    Ok(num(if neg { -v } else { v }))
}

#[cfg(test)]
mod tests {
    use crate::functions::{call, FuncContext};
    use crate::Value;

    fn f(name: &str, args: Vec<Value>) -> Result<Value, crate::functions::FuncError> {
        call(name, args, &FuncContext::default())
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn basics() {
        assert_eq!(f("abs", vec![n(-5.0)]).unwrap(), n(5.0));
        assert_eq!(f("ceil", vec![n(-0.5)]).unwrap(), n(0.0));
        assert_eq!(f("floor", vec![n(-1.2)]).unwrap(), n(-2.0));
        assert_eq!(f("max", vec![n(1.0), Value::string("7"), n(3.0)]).unwrap(), n(7.0));
        assert_eq!(f("min", vec![n(1.0), n(-3.0)]).unwrap(), n(-3.0));
        assert_eq!(f("log", vec![n(8.0), n(2.0)]).unwrap(), n(3.0));
        assert_eq!(f("pow", vec![n(2.0), n(10.0)]).unwrap(), n(1024.0));
        assert!(f("log", vec![n(-1.0), n(10.0)]).is_err());
        assert!(f("pow", vec![n(-8.0), n(1.0 / 3.0)]).is_err());
        assert!(f("max", vec![]).is_err());
        assert_eq!(f("abs", vec![Value::Unknown]).unwrap(), Value::Unknown);
    }

    #[test]
    fn parseint_bases() {
        let p = |s: &str, b: f64| f("parseint", vec![Value::string(s), n(b)]);
        assert_eq!(p("FF", 16.0).unwrap(), n(255.0));
        assert_eq!(p("-10", 2.0).unwrap(), n(-2.0));
        assert_eq!(p("Zz", 62.0).unwrap(), n(3817.0));
        assert_eq!(p("zZ", 62.0).unwrap(), n(2231.0));
        assert!(p("12", 2.0).unwrap_err().message.contains("cannot parse \"12\" as a base 2 integer"));
        assert!(p("1", 1.0).unwrap_err().message.contains("between 2 and 62"));
        assert!(p("", 10.0).is_err());
        assert!(p("0x10", 16.0).is_err());
        assert!(f("parseint", vec![n(12.0), n(10.0)]).unwrap_err().message.contains("must be a string, not number"));
        assert_eq!(p(&"9".repeat(400), 10.0).unwrap(), n(f64::INFINITY));
    }

    #[test]
    fn signum_requires_integers() {
        assert_eq!(f("signum", vec![n(-7.0)]).unwrap(), n(-1.0));
        assert_eq!(f("signum", vec![n(0.0)]).unwrap(), n(0.0));
        assert!(f("signum", vec![n(3.2)]).unwrap_err().message.contains("whole number"));
        assert!(f("signum", vec![n(f64::NAN)]).is_err());
    }
}
