//! Tokens: the symbolic value of an attribute only the cloud knows.
//!
//! During lint's evaluation, `aws_subnet.app["a"].id` is the string `⟦aws_subnet.app["a"]#id⟧`
//! instead of an unknown value. Tokens survive everything that moves strings around
//! (locals, `for` expressions, splats, conditionals on other values, interpolation, module
//! inputs and outputs), so a rule can tell which instance an endpoint's `subnet_ids` or a
//! service's `network_load_balancer_arns` name, with count and for_each keys resolved.

use plcli_lang::Value;

const OPEN: char = '⟦';
const CLOSE: char = '⟧';

/// The token for `attr` (a dotted path such as `private_dns_name_configuration.0.value`) of
/// the instance at `address`.
pub fn token(address: &str, attr: &str) -> String {
    format!("{OPEN}{address}#{attr}{CLOSE}")
}

/// One token found in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRef<'a> {
    pub address: &'a str,
    pub attr: &'a str,
}

fn parse(inner: &str) -> Option<TokenRef<'_>> {
    let (address, attr) = inner.rsplit_once('#')?;
    (!address.is_empty() && !attr.is_empty()).then_some(TokenRef { address, attr })
}

/// Every token in `s`, in order.
pub fn tokens_in(s: &str) -> Vec<TokenRef<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else { break };
        if let Some(t) = parse(&after[..end]) {
            out.push(t);
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out
}

/// The token `s` consists of, when it is exactly one token.
pub fn as_token(s: &str) -> Option<TokenRef<'_>> {
    let inner = s.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
    if inner.contains(OPEN) || inner.contains(CLOSE) {
        return None;
    }
    parse(inner)
}

/// Whether `s` contains a token (so its text is not what AWS will see).
pub fn has_token(s: &str) -> bool {
    s.contains(OPEN)
}

/// Calls `f` for every token anywhere in `v`.
pub fn visit<'v>(v: &'v Value, f: &mut dyn FnMut(TokenRef<'v>)) {
    match v {
        Value::String(s) if has_token(s) => tokens_in(s).into_iter().for_each(&mut *f),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => items.iter().for_each(|i| visit(i, f)),
        Value::Map(m) | Value::Object(m) => m.values().for_each(|i| visit(i, f)),
        _ => {}
    }
}

/// `s` with every token replaced by `<address>.<attr>`, for messages.
pub fn display(s: &str) -> String {
    if !has_token(s) {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else {
            out.push_str(&rest[start..]);
            return out;
        };
        match parse(&after[..end]) {
            Some(t) => out.push_str(&format!("${{{}.{}}}", t.address, t.attr)),
            None => out.push_str(&after[..end]),
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_inside_strings() {
        let t = token("module.c[\"a#b\"].aws_subnet.x[0]", "id");
        assert_eq!(as_token(&t), Some(TokenRef { address: "module.c[\"a#b\"].aws_subnet.x[0]", attr: "id" }));
        let s = format!("{}.example.com", token("aws_vpc_endpoint_service.s", "private_dns_name_configuration.0.name"));
        assert_eq!(as_token(&s), None);
        assert_eq!(tokens_in(&s), vec![TokenRef { address: "aws_vpc_endpoint_service.s", attr: "private_dns_name_configuration.0.name" }]);
        assert_eq!(display(&s), "${aws_vpc_endpoint_service.s.private_dns_name_configuration.0.name}.example.com");
        assert!(tokens_in("no tokens ⟦ here").is_empty());
    }
}
