//! IP network functions: cidrhost cidrnetmask cidrsubnet cidrsubnets.
//!
//! Addresses are parsed like Terraform's `ipaddr` package (Go's pre-1.17 `net.ParseCIDR`,
//! which accepts leading zeros in IPv4 octets) and computed like `go-cidr`, including its
//! handling of negative host and network numbers.

use std::net::Ipv6Addr;

use super::{to_int, Args, FuncError};
use crate::value::format_number;
use crate::Value;

/// A parsed network: the base address (masked), its width in bits (32 or 128) and prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Net {
    addr: u128,
    bits: u32,
    prefix: u32,
}

fn full(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The netmask of `prefix` bits in an address of `bits` bits.
fn mask(prefix: u32, bits: u32) -> u128 {
    let host = bits.saturating_sub(prefix);
    full(bits) & !full(host)
}

/// Go's `dtoi`: decimal digits, at least one, below 2^24.
fn dtoi(s: &str) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        n = n * 10 + (b - b'0') as u32;
        if n >= 0xFF_FFFF {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

fn parse_ipv4(mut s: &str) -> Option<u32> {
    let mut out = 0u32;
    for i in 0..4 {
        if i > 0 {
            s = s.strip_prefix('.')?;
        }
        let (n, used) = dtoi(s)?;
        if n > 0xFF {
            return None;
        }
        out = (out << 8) | n;
        s = &s[used..];
    }
    s.is_empty().then_some(out)
}

fn parse_cidr(s: &str) -> Result<Net, String> {
    let err = || format!("invalid CIDR address: {s}");
    let (ip, len) = s.split_once('/').ok_or_else(err)?;
    let (addr, bits) = if ip.contains(':') {
        (u128::from(ip.parse::<Ipv6Addr>().map_err(|_| err())?), 128)
    } else {
        (parse_ipv4(ip).ok_or_else(err)? as u128, 32)
    };
    let (prefix, used) = dtoi(len).ok_or_else(err)?;
    if used != len.len() || prefix > bits {
        return Err(err());
    }
    Ok(Net { addr: addr & mask(prefix, bits), bits, prefix })
}

fn is_v4_mapped(addr: u128) -> bool {
    addr >> 32 == 0xFFFF
}

/// Go's `net.IP.String`.
fn ip_string(addr: u128, bits: u32) -> String {
    if bits == 32 || is_v4_mapped(addr) {
        let a = addr as u32;
        return format!("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xFF, (a >> 8) & 0xFF, a & 0xFF);
    }
    let groups: Vec<u16> = (0..8).map(|i| (addr >> (112 - 16 * i)) as u16).collect();
    // The longest run of two or more zero groups becomes "::" (the first such run on ties).
    let (mut best, mut best_len) = (usize::MAX, 1);
    let mut i = 0;
    while i < 8 {
        let mut j = i;
        while j < 8 && groups[j] == 0 {
            j += 1;
        }
        if j - i > best_len {
            best = i;
            best_len = j - i;
        }
        i = j.max(i + 1);
    }
    let hex = |g: &[u16]| g.iter().map(|x| format!("{x:x}")).collect::<Vec<_>>().join(":");
    if best == usize::MAX {
        hex(&groups)
    } else {
        format!("{}::{}", hex(&groups[..best]), hex(&groups[best + best_len..]))
    }
}

/// Go's `net.IPNet.String` (an IPv4-mapped network prints in IPv4 form).
fn net_string(n: &Net) -> String {
    let prefix = if n.bits == 128 && is_v4_mapped(n.addr) { n.prefix.saturating_sub(96) } else { n.prefix };
    format!("{}/{prefix}", ip_string(n.addr, n.bits))
}

fn parse_arg(a: &Args) -> Result<Net, FuncError> {
    parse_cidr(a.str(0)).map_err(|e| FuncError::call(format!("invalid CIDR expression: {e}")))
}

/// gocty's conversion of a number to a `*big.Int`.
fn whole(n: f64) -> Result<f64, FuncError> {
    if n.is_finite() && n.fract() == 0.0 {
        Ok(n)
    } else {
        Err(FuncError::call("value must be a whole number"))
    }
}

fn fits(v: u128, bits: u32) -> bool {
    v <= full(bits)
}

pub(super) fn cidrhost(a: Args) -> Result<Value, FuncError> {
    let num = whole(a.num(1))?;
    let net = parse_arg(&a)?;
    let max = full(net.bits - net.prefix);
    let too_big = |shown: String| FuncError::call(format!("prefix of {} does not accommodate a host numbered {shown}", net.prefix));
    let host: u128 = if num < 0.0 {
        let n_u = (-num - 1.0) as u128;
        if -num - 1.0 >= 3.4e38 || n_u > max {
            let shown = if n_u - max <= i128::MAX as u128 { format!("-{}", n_u - max) } else { format_number(num) };
            return Err(too_big(shown));
        }
        max - n_u
    } else {
        if num >= 3.4e38 || num as u128 > max {
            return Err(too_big(format_number(num)));
        }
        num as u128
    };
    // go-cidr inserts the host number at the width of the address's IPv4 form, if it has one.
    let shift = if net.bits == 128 && is_v4_mapped(net.addr) { 96 } else { 0 };
    let host = host.checked_shl(shift).filter(|h| shift == 0 || h >> shift == host).ok_or_else(|| too_big(format_number(num)))?;
    Ok(Value::String(ip_string(net.addr | host, net.bits).into()))
}

pub(super) fn cidrnetmask(a: Args) -> Result<Value, FuncError> {
    let net = parse_arg(&a)?;
    if net.bits != 32 {
        return Err(FuncError::call(format!("IPv6 addresses cannot have a netmask: {}", a.str(0))));
    }
    Ok(Value::String(ip_string(mask(net.prefix, 32), 32).into()))
}

pub(super) fn cidrsubnet(a: Args) -> Result<Value, FuncError> {
    let newbits = to_int(a.num(1)).map_err(FuncError::call)?;
    let num = whole(a.num(2))?;
    let net = parse_arg(&a)?;
    let new_prefix = net.prefix as i64 + newbits;
    if new_prefix > net.bits as i64 {
        return Err(FuncError::call(format!("insufficient address space to extend prefix of {} by {newbits}", net.prefix)));
    }
    if new_prefix < 0 {
        return Err(FuncError::call(format!("cannot shorten a prefix of {} by {}", net.prefix, -newbits)));
    }
    let new_prefix = new_prefix as u32;
    // go-cidr compares the low 64 bits of the magnitude against 2^newbits - 1 (Go shift rules:
    // shifting by 64 or more gives 0, so the limit is then all ones).
    let max: u64 = if (0..64).contains(&newbits) { (1u64 << newbits) - 1 } else { u64::MAX };
    let low64 = (num.abs() % 18_446_744_073_709_551_616.0) as u64;
    if low64 > max {
        return Err(FuncError::call(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {}",
            format_number(num)
        )));
    }
    let shift = net.bits - new_prefix;
    let overflow =
        || FuncError::call(format!("prefix extension of {newbits} does not accommodate a subnet numbered {}", format_number(num)));
    let magnitude = if num.abs() >= 3.4e38 { return Err(overflow()) } else { num.abs() as u128 };
    let shifted = if magnitude == 0 {
        0
    } else {
        magnitude.checked_shl(shift).filter(|v| shift < 128 && v >> shift == magnitude).ok_or_else(overflow)?
    };
    let addr = if num >= 0.0 {
        net.addr | shifted
    } else {
        // Two's complement OR of a negative number, as Go's big.Int does; the address is the
        // magnitude of the (negative) result.
        ((shifted - 1) & !net.addr) + 1
    };
    if !fits(addr, net.bits) {
        return Err(overflow());
    }
    Ok(Value::String(net_string(&Net { addr, bits: net.bits, prefix: new_prefix }).into()))
}

/// go-cidr's `NextSubnet`: the subnet of `prefix` bits after `current`, and whether the
/// address space wrapped around.
fn next_subnet(current: &Net, prefix: u32) -> (Net, bool) {
    let bits = current.bits;
    let last_of_current = current.addr | (full(bits) & !mask(current.prefix, bits));
    let subnet = last_of_current & mask(prefix, bits);
    let last = subnet | (full(bits) & !mask(prefix, bits));
    let next = if last == full(bits) { 0 } else { last + 1 };
    (Net { addr: next & mask(prefix, bits), bits, prefix }, next == 0)
}

pub(super) fn cidrsubnets(a: Args) -> Result<Value, FuncError> {
    let net = parse_cidr(a.str(0)).map_err(|e| a.err(0, format!("invalid CIDR expression: {e}")))?;
    let lengths = &a.vals[1..];
    if lengths.is_empty() {
        return Ok(Value::List(vec![]));
    }
    let first = to_int(lengths[0].as_number().unwrap_or(0.0)).map_err(|e| a.err(1, e))?;
    let first_len = (first.saturating_add(net.prefix as i64)).clamp(0, net.bits as i64) as u32;
    let before = net.addr.wrapping_sub(1) & full(net.bits);
    let mut current = Net { addr: before & mask(first_len, net.bits), bits: net.bits, prefix: first_len };
    let mut out = Vec::with_capacity(lengths.len());
    for (i, v) in lengths.iter().enumerate() {
        let length = to_int(v.as_number().unwrap_or(0.0)).map_err(|e| a.err(i + 1, e))?;
        if length < 1 {
            return Err(a.err(i + 1, "must extend prefix by at least one bit"));
        }
        if length > 32 {
            return Err(a.err(i + 1, "may not extend prefix by more than 32 bits"));
        }
        let length = length as u32 + net.prefix;
        if length > net.bits {
            let protocol = if net.bits == 32 { "IPv4" } else { "IPv6" };
            return Err(a.err(i + 1, format!("would extend prefix to {length} bits, which is too long for an {protocol} address")));
        }
        let (next, rollover) = next_subnet(&current, length);
        if rollover || next.addr & mask(net.prefix, net.bits) != net.addr {
            return Err(a.err(
                i + 1,
                format!("not enough remaining address space for a subnet with a prefix of {length} bits after {}", net_string(&current)),
            ));
        }
        current = next;
        out.push(Value::String(net_string(&current).into()));
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use crate::functions::{call, FuncContext};
    use crate::Value;

    fn f(name: &str, args: Vec<Value>) -> Result<Value, crate::functions::FuncError> {
        call(name, args, &FuncContext::default())
    }
    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }
    fn host(p: &str, h: f64) -> Result<Value, String> {
        f("cidrhost", vec![s(p), n(h)]).map_err(|e| e.message)
    }
    fn subnet(p: &str, b: f64, num: f64) -> Result<Value, String> {
        f("cidrsubnet", vec![s(p), n(b), n(num)]).map_err(|e| e.message)
    }

    #[test]
    fn go_cidr_quirks() {
        assert_eq!(subnet("10.0.0.0/16", 8.0, -1.0).unwrap(), s("0.0.1.0/24"));
        assert_eq!(subnet("10.0.0.0/16", 8.0, -2.0).unwrap(), s("0.0.2.0/24"));
        assert_eq!(subnet("10.0.0.0/16", -1.0, 0.0).unwrap(), s("10.0.0.0/15"));
        assert_eq!(subnet("::ffff:10.0.0.0/104", 8.0, 1.0).unwrap(), s("10.1.0.0/16"));
        assert_eq!(subnet("fd00::/56", 72.0, 5.0).unwrap(), s("fd00::5/128"));
        assert_eq!(host("::ffff:0:0/96", 1.0).unwrap(), s("0:1::ffff:0:0"));
        assert_eq!(host("10.12.112.0/20", -4097.0).unwrap_err(), "prefix of 20 does not accommodate a host numbered -1");
        assert_eq!(host("010.001.0.0/16", 1.0).unwrap(), s("10.1.0.1"));
        assert_eq!(host("2001:db8::/32", 1e20).unwrap(), s("2001:db8:0:5:6bc7:5e2d:6310:0"));
        assert_eq!(host("0.0.0.0/0", -1.0).unwrap(), s("255.255.255.255"));
        assert_eq!(host("::/0", 1.0).unwrap(), s("::1"));
        assert_eq!(host("2001:db8:1:0:0:1:0:0/96", 0.0).unwrap(), s("2001:db8:1::1:0:0"));
        assert_eq!(host("10.0.0.0/24", 1.5).unwrap_err(), "value must be a whole number");
        assert_eq!(host("fe80::1%eth0/64", 1.0).unwrap_err(), "invalid CIDR expression: invalid CIDR address: fe80::1%eth0/64");
    }

    #[test]
    fn huge_inputs_do_not_panic() {
        assert!(subnet("10.0.0.0/8", 1e18, 0.0).is_err());
        assert!(subnet("10.0.0.0/8", -1e18, 0.0).is_err());
        assert!(subnet("::/0", 64.0, 1e19).is_ok());
        assert!(subnet("::/0", 100.0, 1e300).is_err());
        assert!(subnet("::/0", 0.0, 0.0).is_ok());
        assert!(host("::/0", 1e300).is_err());
        assert!(host("::/0", -1e300).is_err());
        assert!(host("10.0.0.0/8", f64::MAX).is_err());
        assert!(f("cidrsubnets", vec![s("::/0"), n(32.0), n(32.0), n(1e300)]).is_err());
    }

    #[test]
    fn cidrsubnets_errors() {
        let e = f("cidrsubnets", vec![s("0.0.0.0/0"), n(1.0), n(1.0)]).unwrap_err();
        assert_eq!(
            e.message,
            "Invalid value for \"newbits\" parameter: not enough remaining address space for a subnet with a prefix of 1 bits after 128.0.0.0/1."
        );
        assert_eq!(e.arg, Some(1));
    }
}
