//! Table-driven tests of the function library against results recorded from a real
//! `terraform console` (Terraform v1.11.4).
//!
//! Each line of [`CASES`] is `CALL => EXPECTED` or `CALL !! ERROR-SUBSTRING`. `CALL` is
//! `name(arg, ...)` and `EXPECTED` a value, both written as HCL literals: numbers, strings
//! (with `\n`, `\"`, `\\`, `\t`, `\uXXXX` escapes), `true`, `false`, `null`, tuples `[...]`,
//! objects `{key = value, "key" = value}`, and the conversions `tolist(...)`, `toset(...)`,
//! `tomap(...)`, which are evaluated with this library. Every line is a valid Terraform
//! expression: `crates/plcli-lang/tools/verify-function-cases.py`
//! evaluates both sides with `terraform console` and compares `jsonencode` and `type`, and
//! checks that Terraform's error message contains the substring.
//!
//! Numbers compare as Terraform prints them (so `0.1 + 0.2` equals `0.3`), collections compare
//! by kind (tuple vs list vs set, object vs map) and content. Lines starting with `#` are
//! comments. File cases read `hello.txt` (`hello\n`) from a fixture directory.

use std::collections::BTreeMap;

use super::{call, FuncContext};
use crate::value::format_number;
use crate::Value;

const CASES: &str = r##"
# ---------------------------------------------------------------- merge
merge({a = "b", c = "d"}, {e = "f", c = "z"}) => {a = "b", c = "z", e = "f"}
merge({a = 1}, {b = "x"}) => {a = 1, b = "x"}
merge({a = [1]}, {b = {c = 1}}) => {a = [1], b = {c = 1}}
merge(tomap({a = "1"}), tomap({b = "2"})) => tomap({a = "1", b = "2"})
merge(tomap({a = 1}), {b = "x"}) => {a = 1, b = "x"}
merge({a = {x = 1}}, {a = {y = 2}}) => {a = {y = 2}}
merge({}, {}) => {}
merge() => {}
merge({a = 1}, null) => {a = 1}
merge({a = 1}, ["x"]) !! arguments must be maps or objects, got "tuple"
merge({a = 1}, "x") !! arguments must be maps or objects, got "string"
# ---------------------------------------------------------------- cidrsubnet
cidrsubnet("10.0.0.0/16", 8, 2) => "10.0.2.0/24"
cidrsubnet("172.16.0.0/12", 4, 2) => "172.18.0.0/16"
cidrsubnet("10.1.2.0/24", 4, 15) => "10.1.2.240/28"
cidrsubnet("10.0.0.0/16", 8, 0) => "10.0.0.0/24"
cidrsubnet("10.0.0.0/8", 0, 0) => "10.0.0.0/8"
cidrsubnet("10.3.4.5/16", 8, 1) => "10.3.1.0/24"
cidrsubnet("10.0.0.0/16", 8, -1) => "0.0.1.0/24"
cidrsubnet("10.0.0.0/16", "8", "3") => "10.0.3.0/24"
cidrsubnet("10.0.0.0/8", 24, 16777215) => "10.255.255.255/32"
cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162) => "fd00:fd12:3456:7800:a200::/72"
cidrsubnet("fd00:fd12:3456:7890::/56", 8, 0) => "fd00:fd12:3456:7800::/64"
cidrsubnet("2001:db8::/32", 16, 65535) => "2001:db8:ffff::/48"
cidrsubnet("10.1.2.0/24", 4, 16) !! prefix extension of 4 does not accommodate a subnet numbered 16
cidrsubnet("10.0.0.0/30", 3, 0) !! insufficient address space to extend prefix of 30 by 3
cidrsubnet("10.0.0.0/16", 8.5, 0) !! value must be a whole number
cidrsubnet("not-a-cidr", 8, 0) !! invalid CIDR expression: invalid CIDR address: not-a-cidr
# ---------------------------------------------------------------- cidrsubnets, cidrhost, cidrnetmask
cidrsubnets("10.1.0.0/16", 4, 4, 8, 4) => tolist(["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"])
cidrsubnets("10.0.0.0/24", 2, 1) => tolist(["10.0.0.0/26", "10.0.0.128/25"])
cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32) => tolist(["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72", "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"])
cidrsubnets("10.0.0.0/8") => tolist([])
cidrsubnets("10.0.0.0/30", 1, 1, 1) !! not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31
cidrsubnets("10.0.0.0/8", 0) !! must extend prefix by at least one bit
cidrsubnets("10.0.0.0/8", 30) !! would extend prefix to 38 bits, which is too long for an IPv4 address
cidrhost("10.12.112.0/20", 16) => "10.12.112.16"
cidrhost("10.12.112.0/20", 268) => "10.12.113.12"
cidrhost("10.12.112.0/20", -1) => "10.12.127.255"
cidrhost("10.12.112.0/20", -4096) => "10.12.112.0"
cidrhost("192.168.0.0/16", 257) => "192.168.1.1"
cidrhost("10.0.0.5/24", 1) => "10.0.0.1"
cidrhost("fd00:fd12:3456:7890::/56", 34) => "fd00:fd12:3456:7800::22"
cidrhost("fd00:fd12:3456:7890::/56", -1) => "fd00:fd12:3456:78ff:ffff:ffff:ffff:ffff"
cidrhost("10.12.112.0/20", 4096) !! prefix of 20 does not accommodate a host numbered 4096
cidrhost("10.0.0.0", 1) !! invalid CIDR address: 10.0.0.0
cidrnetmask("172.16.0.0/12") => "255.240.0.0"
cidrnetmask("10.0.0.0/32") => "255.255.255.255"
cidrnetmask("0.0.0.0/0") => "0.0.0.0"
cidrnetmask("fd00::/64") !! IPv6 addresses cannot have a netmask: fd00::/64
# ---------------------------------------------------------------- length
length("héllo") => 5
length("e\u0301") => 1
length("🇺🇸🇬🇧") => 2
length([1, 2, 3]) => 3
length({a = 1, b = 2}) => 2
length([]) => 0
length("") => 0
length(toset(["a", "a", "b"])) => 2
length(tomap({a = "x"})) => 1
length(null) !! argument must not be null
length(5) !! argument must be a string, a collection type, or a structural type
# ---------------------------------------------------------------- toset, tolist, tomap, to*
toset(["b", "a", "b"]) => toset(["a", "b"])
toset([3, 1, 2, 10]) => toset([1, 2, 3, 10])
toset(["a", 1]) => toset(["1", "a"])
toset(["10", "9", "B", "a", "_"]) => toset(["10", "9", "B", "_", "a"])
toset([true, false]) => toset([false, true])
toset([{a = 1}, {a = 1}]) => toset([{a = 1}])
toset("a") !! cannot convert string to set of any single type
tolist(["a", 1, true]) => tolist(["a", "1", "true"])
tolist([[1], ["a"]]) => tolist([["1"], ["a"]])
tolist([{a = 1}, {a = "x"}]) => tolist([{a = "1"}, {a = "x"}])
tolist([{a = 1}, {b = 2}]) => tolist([tomap({a = 1}), tomap({b = 2})])
tolist([[1], [1, 2]]) => tolist([tolist([1]), tolist([1, 2])])
tolist(toset(["b", "a", "b"])) => tolist(["a", "b"])
tolist(["a", null]) => tolist(["a", null])
tolist([1, [2]]) !! cannot convert tuple to list of any single type
tolist("a") !! cannot convert string to list of any single type
tomap({a = 1, b = "x"}) => tomap({a = "1", b = "x"})
tomap({a = {x = 1}, b = {x = "s"}}) => tomap({a = {x = "1"}, b = {x = "s"}})
tomap({a = null, b = 1}) => tomap({a = null, b = 1})
tomap({a = 1, b = true}) !! cannot convert object to map of any single type
tomap(["a"]) !! cannot convert tuple to map of any single type
tostring(1.5) => "1.5"
tostring(10) => "10"
tostring(true) => "true"
tostring(null) => null
tostring([1]) !! cannot convert tuple to string
tonumber("42") => 42
tonumber("3.14") => 3.14
tonumber("-1e3") => -1000
tonumber(null) => null
tonumber("0x10") !! cannot convert "0x10" to number; given string must be a decimal representation of a number
tonumber(" 5") !! cannot convert " 5" to number
tonumber(true) !! cannot convert bool to number
tobool("true") => true
tobool(false) => false
tobool("yes") !! cannot convert "yes" to bool; only the strings "true" or "false" are allowed
tobool(1) !! cannot convert number to bool
nonsensitive("plain") => "plain"
# ---------------------------------------------------------------- jsonencode, jsondecode
jsonencode({b = 1, a = [true, null, "x"], c = {z = 1, y = 2}}) => "{\"a\":[true,null,\"x\"],\"b\":1,\"c\":{\"y\":2,\"z\":1}}"
jsonencode("<a href=\"x\">&</a>") => "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\""
jsonencode("tab\tnl\nquote\"bs\\") => "\"tab\\tnl\\nquote\\\"bs\\\\\""
jsonencode("\u2028\u00e9😀") => "\"\\u2028é😀\""
jsonencode(1e21) => "1000000000000000000000"
jsonencode(-0.5) => "-0.5"
jsonencode(1.5) => "1.5"
jsonencode(null) => "null"
jsonencode([]) => "[]"
jsonencode({}) => "{}"
jsonencode(toset(["b", "a"])) => "[\"a\",\"b\"]"
jsonencode(tomap({b = 1, a = 2})) => "{\"a\":2,\"b\":1}"
jsonencode({B = 1, a = 2, "10" = 3, "9" = 4, "_" = 5}) => "{\"10\":3,\"9\":4,\"B\":1,\"_\":5,\"a\":2}"
jsondecode("{\"b\":1,\"a\":[true,null,\"x\"],\"c\":1.5}") => {a = [true, null, "x"], b = 1, c = 1.5}
jsondecode("[1, \"a\", null]") => [1, "a", null]
jsondecode("\"\\u003c\"") => "<"
jsondecode("1.0") => 1
jsondecode("null") => null
jsondecode("{\"a\":1,\"a\":2}") => {a = 2}
jsondecode("") !! EOF
jsondecode("{bad json}") !! invalid character 'b'
jsondecode("[1,]") !! invalid character ']'
jsondecode("1 2") !! extraneous data after JSON object
# ---------------------------------------------------------------- element
element(["a", "b", "c"], 1) => "b"
element(["a", "b", "c"], 5) => "c"
element(["a", "b", "c"], -3) => "a"
element(tolist(["x", "y"]), 2) => "x"
element([{a = 1}, {a = 2}], 1) => {a = 2}
element(["a", "b"], "1") => "b"
element([], 0) !! cannot use element function with an empty list
element(["a", "b"], 1.7) !! invalid index: value must be a whole number
element("ab", 1) !! cannot read elements from string
element({a = 1}, 0) !! cannot read elements from object
# ---------------------------------------------------------------- file functions (fixture: hello.txt)
file("hello.txt") => "hello\n"
file("./sub/../hello.txt") => "hello\n"
file("nope.txt") !! no file exists at "nope.txt"; this function works only with files that are distributed as part of the configuration source code
file("sub") !! is a directory
fileexists("hello.txt") => true
fileexists("nope.txt") => false
filebase64("hello.txt") => "aGVsbG8K"
filemd5("hello.txt") => "b1946ac92492d2347c6235b4d2611184"
filesha256("hello.txt") => "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
# ---------------------------------------------------------------- basename, dirname, paths
basename("foo/bar/baz.txt") => "baz.txt"
basename("foo/bar/") => "bar"
basename("baz") => "baz"
basename("") => "."
basename("/") => "/"
basename("a//b//") => "b"
dirname("foo/bar/baz.txt") => "foo/bar"
dirname("foo") => "."
dirname("/foo") => "/"
dirname("foo/bar/") => "foo/bar"
dirname("") => "."
dirname("a//b//c") => "a/b"
abspath("/x/./y/") => "/x/y"
pathexpand("/etc/x") => "/etc/x"
pathexpand("relative/path") => "relative/path"
pathexpand("") => ""
pathexpand("~user/x") !! cannot expand user-specific home dir
# ---------------------------------------------------------------- slice
slice(["a", "b", "c", "d"], 1, 3) => ["b", "c"]
slice(["a", "b"], 0, 0) => []
slice(tolist(["a", "b", "c"]), 1, 3) => tolist(["b", "c"])
slice(["a", "b"], 1, 5) !! end index must not be greater than the length of the list
slice(["a", "b"], 2, 1) !! start index must not be greater than end index
slice(["a", "b"], -1, 2) !! start index must not be less than zero
slice(["a", "b"], 1.5, 2) !! invalid start index: value must be a whole number
slice(toset(["a"]), 0, 1) !! cannot slice a set, because its elements do not have indices
slice("ab", 0, 1) !! must be a list or tuple value
# ---------------------------------------------------------------- contains
contains(["a", "b"], "a") => true
contains(["a", "b"], "z") => false
contains([1, 2], "1") => false
contains(["1", "2"], 1) => false
contains(toset(["a"]), "a") => true
contains([], "a") => false
contains([{a = 1}], {a = 1}) => true
contains([[1, 2]], [1, 2]) => true
contains("a", "a") !! argument must be list, tuple, or set
contains(null, "a") !! argument must not be null
# ---------------------------------------------------------------- join
join(", ", ["a", "b", "c"]) => "a, b, c"
join("-", []) => ""
join("", ["a", "b"]) => "ab"
join(",", ["a"], ["b", "c"]) => "a,b,c"
join(",", [1, 2]) => "1,2"
join(",", toset(["b", "a"])) => "a,b"
join(",", ["a", null]) !! element 1 is null; cannot concatenate null values
join(",") !! at least one list is required
join(",", [[1]]) !! element 0: string required
join(",", "a") !! list of string required
# ---------------------------------------------------------------- lookup
lookup({a = "x", b = "y"}, "a", "d") => "x"
lookup({a = "x", b = "y"}, "z", "d") => "d"
lookup({a = 1, b = "y"}, "a", "d") => 1
lookup({a = {n = 1}}, "a", null) => {n = 1}
lookup({a = "x"}, "a") => "x"
lookup({}, "a", 1) => 1
lookup(tomap({a = "1"}), "b", 2) => "2"
lookup(tomap({a = "1"}), "a") => "1"
lookup({a = "x"}, "z") !! the given object has no attribute "z"
lookup(tomap({a = 1}), "z", "x") !! the default value must have the same type as the map elements
lookup(["a"], "z", "x") !! lookup() requires a map as the first argument
lookup(tomap({a = "x"}), "z") !! lookup failed to find key "z"
# ---------------------------------------------------------------- format, formatlist
format("Hello, %s!", "world") => "Hello, world!"
format("%d items", 42) => "42 items"
format("%d", 3.0) => "3"
format("%5.2f", 3.14159) => " 3.14"
format("%.3f", 2) => "2.000"
format("%f", 1.5) => "1.500000"
format("%-5s|", "ab") => "ab   |"
format("%5s|", "ab") => "   ab|"
format("%q", "say \"hi\"") => "\"say \\\"hi\\\"\""
format("%v", [1, "a"]) => "[1,\"a\"]"
format("%v", {a = 1}) => "{\"a\":1}"
format("%#v", "str") => "\"str\""
format("%#v", {b = 2, a = 1}) => "{\"a\":1,\"b\":2}"
format("%v", true) => "true"
format("%t", false) => "false"
format("%x", 255) => "ff"
format("%X", 255) => "FF"
format("%o", 8) => "10"
format("%b", 5) => "101"
format("%e", 1234.5) => "1.234500e+03"
format("%g", 0.000012) => "1.2e-05"
format("%%") => "%"
format("100%% %s", "done") => "100% done"
format("%[2]s %[1]s", "a", "b") => "b a"
format("%s", 12) => "12"
format("%d", "12") => "12"
format("%03d", 7) => "007"
format("%+d", 7) => "+7"
format("%.2s", "abcdef") => "ab"
format("%v", 1000000) => "1e+06"
format("%v", 1.5) => "1.5"
format("%.0f", 2.5) => "2"
format("%.1f", 0.25) => "0.2"
format("%08.3f", -3.14159) => "-003.142"
format("%#x", 255) => "0xff"
format("%s-%s", 1, 2.5) => "1-2.5"
format("%d", 3.5) !! unsupported value for "%d" at 0: an integer is required
format("%s and %s", "a") !! not enough arguments for "%s" at 7: need index 2 but have 1 total
format("%z", 1) !! unsupported format verb 'z' in "%z" at offset 0
format("%*d", 5, 3) !! unrecognized format character '*' at offset 1
format("%s", "a", "b") !! too many arguments; only 1 used by format string
format("x", 1) !! too many arguments; no verbs in format string
format("%d", "x") !! unsupported value for "%d" at 0: a number is required
format("%s", [1]) !! unsupported value for "%s" at 0: string required
formatlist("Hello, %s!", ["a", "b"]) => tolist(["Hello, a!", "Hello, b!"])
formatlist("%s=%s", ["a", "b"], ["1", "2"]) => tolist(["a=1", "b=2"])
formatlist("%s-%s", "x", ["1", "2"]) => tolist(["x-1", "x-2"])
formatlist("%d", [1, 2, 3]) => tolist(["1", "2", "3"])
formatlist("x") => tolist(["x"])
formatlist("%s", toset(["b", "a"])) => tolist(["a", "b"])
formatlist("%s-%s", ["a"], ["1", "2"]) !! argument 2 has length 2, which is inconsistent with argument 1 of length 1
formatlist("%d", ["a"]) !! error on format iteration 0: unsupported value for "%d" at 0: a number is required
# ---------------------------------------------------------------- replace
replace("hello world", "o", "0") => "hell0 w0rld"
replace("hello", "", "-") => "-h-e-l-l-o-"
replace("hello world", "/o(r?)/", "[$1]") => "hell[] w[r]ld"
replace("2024-01-15", "/(\\d+)-(\\d+)-(\\d+)/", "$3.$2.$1") => "15.01.2024"
replace("abc", "/b/", "$$") => "a$c"
replace("abc", "/b*/", "x") => "xaxcx"
replace("abc", "/(b)/", "$1x") => "ac"
replace("aaa", "a", "b") => "bbb"
replace("path/to/file", "/", "\\") => "path\\to\\file"
replace("a1b2", "/\\d/", "#") => "a#b#"
replace("añb", "/\\w/", "#") => "#ñ#"
replace("abc", "//", "x") => "xaxbxcx"
replace("héllo", "/./", "x") => "xxxxx"
replace("us-east-1a", "/^([a-z]+-[a-z]+-[0-9]+).*$/", "$1") => "us-east-1"
replace("abc", "/[/", "x") !! error parsing regexp: missing closing ]: `[`
replace("abc", "/a(b/", "x") !! error parsing regexp: missing closing ): `a(b`
replace("abc", "/*a/", "x") !! error parsing regexp: missing argument to repetition operator: `*`
# ---------------------------------------------------------------- flatten
flatten([["a", "b"], [], ["c"]]) => ["a", "b", "c"]
flatten([[["a"]], "b", [["c", ["d"]]]]) => ["a", "b", "c", "d"]
flatten([]) => []
flatten([1, [2, [3, [4]]]]) => [1, 2, 3, 4]
flatten([[1], ["a"]]) => [1, "a"]
flatten([toset(["b", "a"]), tolist(["c"])]) => ["a", "b", "c"]
flatten([null, "a"]) => [null, "a"]
flatten([{a = 1}, [{b = 2}]]) => [{a = 1}, {b = 2}]
flatten("a") !! can only flatten lists, sets and tuples
# ---------------------------------------------------------------- values, keys
values({b = 1, a = 2}) => [2, 1]
values({a = "x", b = 1}) => ["x", 1]
values({}) => []
values(tomap({z = "1", y = "2"})) => tolist(["2", "1"])
values([1]) !! values() requires a map as the first argument
keys({b = 1, a = 2, c = 3}) => ["a", "b", "c"]
keys({}) => []
keys({B = 1, a = 2, _ = 3, "10" = 4, "9" = 5}) => ["10", "9", "B", "_", "a"]
keys(tomap({z = "1", y = "2"})) => tolist(["y", "z"])
keys([1]) !! must have map or object type
# ---------------------------------------------------------------- substr
substr("hello world", 1, 4) => "ello"
substr("hello", 0, -1) => "hello"
substr("hello", -3, -1) => "llo"
substr("hello", -3, 2) => "ll"
substr("hello", 10, 2) => ""
substr("héllo wörld", 1, 4) => "éllo"
substr("😀abc", 0, 2) => "😀a"
substr("hello", 2, 100) => "llo"
substr("hello", -10, 2) => "he"
substr("hello", 1, 0) => ""
substr("", 0, 1) => ""
substr("hello", 1.5, 1) !! value must be a whole number
# ---------------------------------------------------------------- alltrue, anytrue
alltrue([true, true]) => true
alltrue([true, false]) => false
alltrue([]) => true
alltrue(["true", true]) => true
alltrue([true, null]) => false
alltrue([1]) !! element 0: bool required
alltrue("x") !! list of bool required
anytrue([false, true]) => true
anytrue([false]) => false
anytrue([]) => false
anytrue([null, "true"]) => true
# ---------------------------------------------------------------- one
one([]) => null
one(["a"]) => "a"
one(toset(["x"])) => "x"
one(tolist([])) => null
one([{a = 1}]) => {a = 1}
one([1, 2]) !! must be a list, set, or tuple value with either zero or one elements
one("x") !! must be a list, set, or tuple value with either zero or one elements
# ---------------------------------------------------------------- coalesce, coalescelist
coalesce("", "b", "c") => "b"
coalesce(null, "x") => "x"
coalesce(1, "a") => "1"
coalesce("a", 1) => "a"
coalesce(0, 1) => 0
coalesce(false, true) => false
coalesce([], ["a"]) => tolist([])
coalesce(null, "", null) !! no non-null, non-empty-string arguments
coalesce() !! all arguments must have the same type
coalesce(1, [1]) !! all arguments must have the same type
coalescelist([], ["a", "b"]) => ["a", "b"]
coalescelist(["x"], ["y"]) => ["x"]
coalescelist([1], ["a"]) => [1]
coalescelist([], []) !! no non-null arguments
coalescelist("a") !! coalescelist arguments must be lists or tuples
# ---------------------------------------------------------------- concat
concat(["a"], ["b", "c"]) => ["a", "b", "c"]
concat([], []) => []
concat([1], ["a"]) => [1, "a"]
concat(tolist(["a"]), tolist([1])) => tolist(["a", "1"])
concat(tolist(["a"]), ["b"]) => ["a", "b"]
concat(tolist(["a"]), tolist([1]), tolist([true])) => tolist(["a", "1", "true"])
concat() !! at least one argument is required
concat("a") !! all arguments must be lists or tuples; got string
concat(toset(["a"])) !! all arguments must be lists or tuples; got set of string
# ---------------------------------------------------------------- split and other strings
split(",", "a,b,c") => tolist(["a", "b", "c"])
split(",", "") => tolist([""])
split("", "abc") => tolist(["a", "b", "c"])
split(",", "a,,b,") => tolist(["a", "", "b", ""])
split(", ", "a, b") => tolist(["a", "b"])
split("", "") => tolist([])
trimspace("  hello\n\t ") => "hello"
trimspace("\u00a0x\u2003") => "x"
trimspace("") => ""
trim("?!hello?!", "!?") => "hello"
trim("abcba", "ab") => "c"
trim("abc", "") => "abc"
trimprefix("helloworld", "hello") => "world"
trimprefix("hellohello", "hello") => "hello"
trimprefix("helloworld", "world") => "helloworld"
trimsuffix("helloworld", "world") => "hello"
trimsuffix("helloworld", "hello") => "helloworld"
startswith("hello world", "hello") => true
startswith("hello world", "world") => false
startswith("hello", "") => true
endswith("hello world", "world") => true
endswith("", "") => true
strcontains("hello", "ell") => true
strcontains("hello", "xyz") => false
chomp("hello\n") => "hello"
chomp("hello\r\n") => "hello"
chomp("hello\n\r\n") => "hello"
chomp("") => ""
indent(2, "a\nb\nc") => "a\n  b\n  c"
indent(2, "a\n\nb\n") => "a\n  \n  b\n  "
indent(0, "x\ny") => "x\ny"
lower("HELLO") => "hello"
lower("ÀÉÎ ΣΑΣ") => "àéî σασ"
upper("hello") => "HELLO"
upper("straße") => "STRAßE"
upper(5) => "5"
upper(true) => "TRUE"
upper([1]) !! string required
upper(null) !! Invalid value for "str" parameter: argument must not be null
title("hello world") => "Hello World"
title("HELLO wORLD") => "HELLO WORLD"
title("hello-world_foo.bar") => "Hello-World_foo.Bar"
title("o'neil mcdonald-smith") => "O'Neil Mcdonald-Smith"
strrev("hello") => "olleh"
strrev("héllo😀") => "😀olléh"
strrev("e\u0301a") => "ae\u0301"
# ---------------------------------------------------------------- matchkeys
matchkeys(["i-1", "i-2", "i-3"], ["us-a", "us-b", "us-a"], ["us-a"]) => tolist(["i-1", "i-3"])
matchkeys(["a", "b"], ["x", "y"], []) => tolist([])
matchkeys(["a", "b", "c"], [1, 2, 3], ["2", 3]) => tolist(["b", "c"])
matchkeys(["a", "b"], ["x"], ["x"]) !! length of keys and values should be equal
# ---------------------------------------------------------------- regex, regexall
regex("[a-z]+", "123abc456") => "abc"
regex("(\\d+)-(\\d+)", "10-20") => ["10", "20"]
regex("(?P<first>\\w+) (?P<last>\\w+)", "John Smith") => {first = "John", last = "Smith"}
regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://example.com/x") => {authority = "example.com", scheme = "https"}
regex("(a)(b)?", "a") => ["a", null]
regex("(?i)ABC", "xabcx") => "abc"
regex("\\w+", "añb") => "a"
regex("^arn:aws:iam::(\\d{12}):role/(.+)$", "arn:aws:iam::123456789012:role/admin") => ["123456789012", "admin"]
regex("x", "abc") !! pattern did not match any part of the given string
regex("[", "abc") !! invalid regexp pattern: missing closing ] in [
regex("a[b", "abc") !! invalid regexp pattern: missing closing ] in [b
regex("(?P<a>x)(y)", "xy") !! invalid regexp pattern: cannot mix both named and unnamed capture groups
regexall("[a-z]+", "a1bc2def") => tolist(["a", "bc", "def"])
regexall("(\\d)(\\w)", "1a 2b 3c") => tolist([["1", "a"], ["2", "b"], ["3", "c"]])
regexall("(?P<n>\\d)", "a1b2") => tolist([{n = "1"}, {n = "2"}])
regexall("x", "abc") => tolist([])
regexall("a*", "baaab") => tolist(["", "aaa", ""])
regexall("", "abc") => tolist(["", "", "", ""])
# ---------------------------------------------------------------- yamldecode, yamlencode
yamldecode("a: 1\nb: [x, y]\nc: {d: true}") => {a = 1, b = ["x", true], c = {d = true}}
yamldecode("- 1\n- two\n- null") => [1, "two", null]
yamldecode("yes") => true
yamldecode("on") => true
yamldecode("0x10") => 16
yamldecode("1.50") => 1.5
yamldecode("~") => null
yamldecode("x: 2021-01-01") => {x = "2021-01-01T00:00:00Z"}
yamldecode("a: &x 1\nb: *x") => {a = 1, b = 1}
yamldecode("a: \"yes\"\nb: '123'\nc: 017\nd: 1_000") => {a = "yes", b = "123", c = 17, d = "1_000"}
yamldecode("key: |\n  line1\n  line2\n") => {key = "line1\nline2\n"}
yamldecode("b: 2\n<<: {b: 1, c: 3}") => {b = 1, c = 3}
yamldecode("vpc:\n  cidr: 10.0.0.0/16\n  azs:\n    - us-east-1a\n    - us-east-1b\n") => {vpc = {azs = ["us-east-1a", "us-east-1b"], cidr = "10.0.0.0/16"}}
yamldecode("") !! on line 1, column 1: missing start of document
yamldecode("a: [1") !! did not find expected ',' or ']'
yamldecode("a: *x") !! reference to undefined anchor "x"
yamldecode("a: 1\n---\nb: 2") !! unexpected extra content after value
yamldecode("? a\n: 1\n~: z") !! mapping key cannot be null
yamlencode({a = "b", c = [1, 2], d = {e = true}}) => "\"a\": \"b\"\n\"c\":\n- 1\n- 2\n\"d\":\n  \"e\": true\n"
yamlencode(["a", 1, null]) => "- \"a\"\n- 1\n- null\n"
yamlencode("multi\nline\n") => "|\n  multi\n  line\n"
yamlencode("yes") => "\"yes\"\n"
yamlencode({}) => "{}\n"
yamlencode([]) => "[]\n"
yamlencode(1.5) => "1.5\n...\n"
yamlencode({b = {}, a = []}) => "\"a\": []\n\"b\": {}\n"
yamlencode({a = "line1\nline2", b = "x \ny"}) => "\"a\": |-\n  line1\n  line2\n\"b\": \"x \\ny\"\n"
yamlencode([{x = 1, y = [1, 2]}, [[1, 2], []]]) => "- \"x\": 1\n  \"y\":\n  - 1\n  - 2\n- - - 1\n    - 2\n  - []\n"
yamlencode("😀\t") => "\"\\U0001F600\\t\"\n"
# ---------------------------------------------------------------- distinct, sort, reverse
distinct(["a", "b", "a", "c", "b"]) => tolist(["a", "b", "c"])
distinct([1, 2, 1]) => tolist([1, 2])
distinct([]) => tolist([])
distinct([{a = 1}, {a = 1}, {a = 2}]) => tolist([{a = 1}, {a = 2}])
distinct([1, [2]]) !! all list elements must have the same type
distinct("a") !! list of any single type required
sort(["b", "a", "c"]) => tolist(["a", "b", "c"])
sort(["10", "9", "1"]) => tolist(["1", "10", "9"])
sort(["B", "a", "_", "A"]) => tolist(["A", "B", "_", "a"])
sort([3, 1, 2]) => tolist(["1", "2", "3"])
sort(["é", "e", "z"]) => tolist(["e", "z", "é"])
reverse([1, 2, 3]) => [3, 2, 1]
reverse(["a", 1, true]) => [true, 1, "a"]
reverse(tolist(["a", "b"])) => tolist(["b", "a"])
reverse(toset(["b", "a"])) => tolist(["b", "a"])
reverse("a") !! can only reverse list or tuple values, not string
# ---------------------------------------------------------------- range
range(3) => tolist([0, 1, 2])
range(1, 4) => tolist([1, 2, 3])
range(1, 8, 2) => tolist([1, 3, 5, 7])
range(0, 1, 0.25) => tolist([0, 0.25, 0.5, 0.75])
range(0, 0.65, 0.1) => tolist([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
range(5, 0) => tolist([5, 4, 3, 2, 1])
range(5, 0, -2) => tolist([5, 3, 1])
range(-3) => tolist([0, -1, -2])
range(-3, 3) => tolist([-3, -2, -1, 0, 1, 2])
range(0) => tolist([])
range(1.5) => tolist([0, 1])
range(1, 2, 0) !! more than 1024 values were generated; either decrease the difference between start and end or use a smaller step
range(0, 5, -1) !! end must be less than start when step is negative
range(5, 0, 1) !! end must be greater than start when step is positive
range(2000) !! more than 1024 values were generated
range() !! must have one, two, or three arguments
range("a") !! a number is required
# ---------------------------------------------------------------- setproduct, set operations
setproduct(["a", "b"], [1, 2]) => tolist([["a", 1], ["a", 2], ["b", 1], ["b", 2]])
setproduct(["a", "b"], ["c"], ["d", "e"]) => tolist([["a", "c", "d"], ["a", "c", "e"], ["b", "c", "d"], ["b", "c", "e"]])
setproduct(toset(["b", "a"]), toset(["d", "c"])) => toset([["a", "c"], ["a", "d"], ["b", "c"], ["b", "d"]])
setproduct(["x"], []) => tolist([])
setproduct(["a"]) !! at least two arguments are required
setproduct(["a"], "b") !! a set or a list is required
setproduct([1, [2]], [1]) !! all elements must be of the same type
setunion(["a", "b"], ["b", "c"], ["d"]) => toset(["a", "b", "c", "d"])
setunion([10, 2], [1]) => toset([1, 2, 10])
setunion(["a"], [1]) => toset(["1", "a"])
setunion([], []) => toset([])
setintersection(["a", "b"], ["b", "c"], ["b", "d"]) => toset(["b"])
setintersection(["a"], ["b"]) => toset([])
setintersection([1, 2], [2, 3]) => toset([2])
setsubtract(["a", "b", "c"], ["a", "c"]) => toset(["b"])
setsubtract(["a"], []) => toset(["a"])
setunion(["a"], [[1]]) !! given sets must all have compatible element types
setsubtract(["a"], "b") !! set of any single type required
# ---------------------------------------------------------------- transpose, zipmap, chunklist, compact, index, sum
transpose({a = ["1", "2"], b = ["2", "3"]}) => tomap({"1" = tolist(["a"]), "2" = tolist(["a", "b"]), "3" = tolist(["b"])})
transpose({a = ["x"], b = ["x"], c = ["y"]}) => tomap({x = tolist(["a", "b"]), y = tolist(["c"])})
transpose({}) => tomap({})
transpose({a = "x"}) !! element "a": list of string required
zipmap(["a", "b"], [1, 2]) => {a = 1, b = 2}
zipmap(["a", "b"], [1, "x"]) => {a = 1, b = "x"}
zipmap(["a", "b"], tolist([1, 2])) => tomap({a = 1, b = 2})
zipmap(["a", "a"], [1, 2]) => {a = 2}
zipmap([], []) => {}
zipmap(["a"], [1, 2]) !! number of keys (1) does not match number of values (2)
zipmap(["a"], "x") !! values argument must be a list or tuple value
chunklist(["a", "b", "c", "d", "e"], 2) => tolist([tolist(["a", "b"]), tolist(["c", "d"]), tolist(["e"])])
chunklist([1, 2, 3], 0) => tolist([tolist([1, 2, 3])])
chunklist([], 3) => tolist([])
chunklist([1, 2], -1) !! the size argument must be positive
compact(["a", "", "b", null, "c"]) => tolist(["a", "b", "c"])
compact(["", ""]) => tolist([])
index(["a", "b", "c"], "b") => 1
index([1, 2, 3], 2) => 1
index(["a", "b", "c"], "z") !! item not found
index([1, 2, 3], "2") !! item not found
index([], "z") !! cannot search an empty list
sum([1, 2, 3]) => 6
sum([0.1, 0.2]) => 0.3
sum([1.5, 2.25, -1]) => 2.75
sum(["1", 2]) => 3
sum(toset([1, 2])) => 3
sum([]) !! cannot sum an empty list
sum([1, "a"]) !! argument must be list, set, or tuple of number values
sum("x") !! cannot sum noniterable
# ---------------------------------------------------------------- numbers
abs(-5) => 5
abs(3.5) => 3.5
ceil(1.2) => 2
ceil(-1.2) => -1
floor(1.8) => 1
floor(-0.5) => -1
max(1, 5, 3) => 5
max(-1.5, -2) => -1.5
max("3", 2) => 3
min(1, 5, 3) => 1
max() !! must pass at least one number
max(1, "x") !! a number is required
parseint("100", 10) => 100
parseint("FF", 16) => 255
parseint("-10", 2) => -2
parseint("zz", 36) => 1295
parseint("Zz", 62) => 3817
parseint("12", 2) !! cannot parse "12" as a base 2 integer
parseint("1", 1) !! base must be a whole number between 2 and 62 inclusive
parseint(12, 10) !! first argument must be a string, not number
pow(2, 10) => 1024
pow(2, 0.5) => 1.4142135623730951
pow(10, -2) => 0.01
log(8, 2) => 3
log(100, 10) => 2
signum(-7) => -1
signum(0) => 0
signum(3.2) !! value must be a whole number
# ---------------------------------------------------------------- encodings, hashes
base64encode("Hello World") => "SGVsbG8gV29ybGQ="
base64encode("héllo 😀") => "aMOpbGxvIPCfmIA="
base64decode("SGVsbG8gV29ybGQ=") => "Hello World"
base64decode("") => ""
base64decode("not base64!") !! failed to decode base64 data "not base64!"
base64decode("/w==") !! the result of decoding the provided string is not valid UTF-8
urlencode("hello world") => "hello+world"
urlencode("a+b=c&d/e?f") => "a%2Bb%3Dc%26d%2Fe%3Ff"
urlencode("héllo 😀") => "h%C3%A9llo+%F0%9F%98%80"
urlencode("-_.~") => "-_.~"
csvdecode("a,b,c\n1,2,3\n4,5,6") => tolist([{a = "1", b = "2", c = "3"}, {a = "4", b = "5", c = "6"}])
csvdecode("a,b\n\"x,y\",\"q\"\"r\"") => tolist([{a = "x,y", b = "q\"r"}])
csvdecode("a,b\n 1 , 2 ") => tolist([{a = " 1 ", b = " 2 "}])
csvdecode("a,b\n1,2,3") !! CSV parse error on line 2: wrong number of fields
csvdecode("a,b\n\n1,2\n\n3,4,5") !! CSV parse error on line 5: wrong number of fields
csvdecode("a,b\nx\"y,1") !! CSV parse error on line 2: bare " in non-quoted-field
csvdecode("a,b\n\"x\"y,1") !! CSV parse error on line 2: extraneous or missing " in quoted-field
csvdecode("a,\"b\n") !! CSV parse error on line 1: extraneous or missing " in quoted-field
csvdecode("a,a\n1,2") !! duplicate column name "a"
csvdecode("") !! missing header line
md5("hello world") => "5eb63bbbe01eeed093cb22bb8f5acdc3"
md5("héllo") => "be50e8478cf24ff3595bc7307fb91b50"
sha1("hello world") => "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
sha256("hello world") => "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
sha512("abc") => "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
base64sha256("hello world") => "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="
uuidv5("dns", "www.example.com") => "2ed6657d-e927-568b-95e1-2665a8aea6a2"
# ---------------------------------------------------------------- edge cases of the emulated Go formatting
format("%.3g", 1234.5678) => "1.23e+03"
format("%g", 100000) => "100000"
format("%g", 1e21) => "1e+21"
format("%E", 123456789) => "1.234568E+08"
format("%10.3e|", 1234.5) => " 1.234e+03|"
format("% d", 5) => " 5"
format("%-8v|", "ab") => "ab      |"
format("%05s", "ab") => "000ab"
format("%x", -255) => "-ff"
format("%.20f", 0.1) => "0.10000000000000000000"
format("%f", 1e20) => "100000000000000000000.000000"
format("%x", 1e20) => "56bc75e2d63100000"
format("%5t|", true) => "true|"
format("%[2]d %d", 1, 2, 3) => "2 3"
format("%q", "<&>") => "\"\\u003c\\u0026\\u003e\""
format("%.3q", "abcdef") => "\"abc\""
format("%5.1s|", "héllo") => "    h|"
format("%e", 0) => "0.000000e+00"
format("%.0f", 3.5) => "4"
format("%.1f", 0.05) => "0.1"
format("%v", 123456789) => "1.23456789e+08"
format("%.2e", 0.000123456) => "1.23e-04"
format("%010.2f", 3.14159) => "0000003.14"
format("%-10.2f|", 3.14159) => "3.14      |"
format("%+05d", 7) => "+0007"
format("%.3d", 7) => "007"
format("%05v", -1) => "000-1"
format("%g", 0.1) => "0.1"
format("%g", 1e-05) => "1e-05"
format("%.10g", 2) => "2"
yamlencode({long = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation"}) => "\"long\": \"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud\n  exercitation\"\n"
yamlencode("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.  Ut enim ad minim veniam") => "\"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt\n  ut labore et dolore magna aliqua.  Ut enim ad minim veniam\"\n"
yamlencode({a = {b = ["x y z a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t u v w"]}}) => "\"a\":\n  \"b\":\n  - \"x y z a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j\n    k l m n o p q r s t u v w\"\n"
yamlencode({"a\nb" = 1}) => "? |-\n  a\n  b\n: 1\n"
yamlencode("x\n\n") => "|+\n  x\n\n"
yamlencode({a = "x\n\n", b = 1}) => "\"a\": |+\n  x\n\n\"b\": 1\n"
yamlencode({a = " leading\nx", b = "\n"}) => "\"a\": |2-\n   leading\n  x\n\"b\": |2+\n\n"
yamlencode({"😀" = "a\u0085b"}) => "\"\\U0001F600\": \"a\\Nb\"\n"
yamlencode("a\r\nb") => "\"a\\r\\nb\"\n"
yamlencode(" x") => "\" x\"\n"
yamlencode(true) => "true\n...\n"
yamlencode(null) => "null\n...\n"
yamlencode(1e21) => "1000000000000000000000\n...\n"
yamlencode({a = {}, b = [[]], c = [{}]}) => "\"a\": {}\n\"b\":\n- []\n\"c\":\n- {}\n"
cidrhost("::ffff:0:0/96", 1) => "0:1::ffff:0:0"
cidrsubnet("::ffff:10.0.0.0/104", 8, 1) => "10.1.0.0/16"
cidrhost("010.001.0.0/16", 1) => "10.1.0.1"
cidrsubnet("10.0.0.0/16", -1, 0) => "10.0.0.0/15"
cidrsubnet("10.0.0.0/16", 8, -2) => "0.0.2.0/24"
cidrsubnet("fd00::/56", 72, 5) => "fd00::5/128"
cidrhost("2001:db8::/32", 1e20) => "2001:db8:0:5:6bc7:5e2d:6310:0"
cidrhost("2001:db8:1:0:0:1:0:0/96", 0) => "2001:db8:1::1:0:0"
cidrhost("0.0.0.0/0", -1) => "255.255.255.255"
cidrhost("10.12.112.0/20", -4097) !! prefix of 20 does not accommodate a host numbered -1
cidrhost("10.0.0.0/24", 1.5) !! value must be a whole number
cidrsubnets("0.0.0.0/0", 1) !! not enough remaining address space for a subnet with a prefix of 1 bits after 128.0.0.0/1
cidrsubnets("10.0.0.0/8", 1, 1) => tolist(["10.0.0.0/9", "10.128.0.0/9"])
csvdecode("a,b\r\n\"x\r\ny\",2\n\n3,4\n") => tolist([{a = "x\ny", b = "2"}, {a = "3", b = "4"}])
yamldecode("- 2001-12-14t21:59:43.10-05:00\n- 2001-12-14 21:59:43.10\n- 2002-2-3\n- 2002-02-30") => ["2001-12-14T21:59:43-05:00", "2001-12-14T21:59:43Z", "2002-02-03T00:00:00Z", "2002-02-30"]
yamldecode("a: !!int \"12\"\nb: !!float 1\nc: !!bool yes\nd: !!null x\ne: !!str\nf:") => {a = "12", b = 1, c = true, d = null, e = "", f = null}
yamldecode("- 0o17\n- 08\n- 0b101\n- +.5\n- 5.\n- 1e\n- -0x10") => [15, 8, "0b101", 0.5, 5, "1e", "-0x10"]
yamldecode("a: 1\nb") !! on line 3, column 1: could not find expected ':'
yamldecode("a: !foo x") !! unsupported tag "!foo"
yamldecode("<<: [{a: 1}]") !! cannot merge tuple into mapping
yamldecode("- .NaN") !! floating point NaN is not supported
yamldecode("# just a comment") !! on line 1, column 1: missing start of document
title("ǆa hello\tworld  x'y ñ1a 1a") => "ǅa Hello\tWorld  X'Y Ñ1a 1a"
upper("ǆ ŉ") => "Ǆ ŉ"
lower("İ") => "i"
regex("\\bfoo\\b", "a foo b") => "foo"
regex("[[:alpha:]]+", "añb") => "a"
regex("(?s)a.b", "a\nb") => "a\nb"
regex("(?m)^b", "a\nb") => "b"
regex("^b", "a\nb") !! pattern did not match any part of the given string
strrev("abc😀d") => "d😀cba"
length("👩‍👩‍👧") => 1
substr("👩‍👩‍👧abc", 0, 2) => "👩‍👩‍👧a"
trimspace("\u0085x\u200b") => "x\u200b"
chomp("a\r\r") => "a"
base64decode("YR==") => "a"
jsonencode("\u0001\u007f") => "\"\\u0001\u007f\""
parseint("zZ", 62) => 2231
parseint("+10", 10) => 10
parseint("1_0", 10) !! cannot parse "1_0" as a base 10 integer
# ---------------------------------------------------------------- removed functions, arity
map("a", 1) !! the "map" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map
list(1) !! the "list" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list
upper() !! expects 1 argument(s). Missing value for "str".
upper("a", "b") !! expects only 1 argument(s).
cidrsubnet("10.0.0.0/16", 8) !! expects 3 argument(s). Missing value for "netnum".
setunion() !! expects at least 1 argument(s). Missing value for "first_set".
"##;

// ------------------------------------------------------------------ literal parser

struct Lit<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lit<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) {
        assert!(self.eat(c), "expected {:?} at {} in {:?}", c as char, self.i, String::from_utf8_lossy(self.s));
    }

    fn ident(&mut self) -> String {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn string(&mut self) -> String {
        self.expect(b'"');
        let mut out = String::new();
        loop {
            let rest = std::str::from_utf8(&self.s[self.i..]).expect("utf-8");
            let c = rest.chars().next().expect("unterminated string");
            self.i += c.len_utf8();
            match c {
                '"' => return out,
                '\\' => {
                    let e = self.s[self.i] as char;
                    self.i += 1;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).expect("hex");
                            self.i += 4;
                            out.push(char::from_u32(u32::from_str_radix(hex, 16).expect("hex")).expect("char"));
                        }
                        other => panic!("unsupported escape \\{other}"),
                    }
                }
                '$' if rest.starts_with("$${") => {
                    self.i += 1;
                    out.push('$');
                }
                '%' if rest.starts_with("%%{") => {
                    self.i += 1;
                    out.push('%');
                }
                c => out.push(c),
            }
        }
    }

    fn number(&mut self) -> Value {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_digit() || b"+-.eE".contains(&self.s[self.i])) {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).expect("utf-8");
        Value::Number(text.parse().unwrap_or_else(|_| panic!("bad number {text:?}")))
    }

    fn args(&mut self) -> Vec<Value> {
        self.expect(b'(');
        let mut args = Vec::new();
        while !self.eat(b')') {
            args.push(self.value());
            self.eat(b',');
        }
        args
    }

    fn value(&mut self) -> Value {
        self.ws();
        match self.s.get(self.i).copied() {
            Some(b'"') => Value::String(self.string().into()),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                while !self.eat(b']') {
                    items.push(self.value());
                    self.eat(b',');
                }
                Value::Tuple(items)
            }
            Some(b'{') => {
                self.i += 1;
                let mut attrs = BTreeMap::new();
                while !self.eat(b'}') {
                    self.ws();
                    let key = if self.s[self.i] == b'"' { self.string() } else { self.ident() };
                    self.expect(b'=');
                    attrs.insert(key, self.value());
                    self.eat(b',');
                }
                Value::Object(attrs.into())
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(),
            _ => {
                let word = self.ident();
                match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    "tolist" | "toset" | "tomap" => {
                        let args = self.args();
                        call(&word, args, &FuncContext::default()).expect("conversion in a literal")
                    }
                    other => panic!("unexpected {other:?} in literal"),
                }
            }
        }
    }
}

/// Splits `CALL => EXPECTED` / `CALL !! ERROR` at the first separator outside a string.
fn split_case(line: &str) -> (&str, &str, bool) {
    let b = line.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b' ' if !in_str && line[i..].starts_with(" => ") => return (&line[..i], &line[i + 4..], true),
            b' ' if !in_str && line[i..].starts_with(" !! ") => return (&line[..i], &line[i + 4..], false),
            _ => {}
        }
        i += 1;
    }
    panic!("no separator in case {line:?}");
}

/// Structural equality that tells tuples, lists and sets (and objects and maps) apart and
/// compares numbers as Terraform prints them.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => format_number(*x) == format_number(*y),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) | (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) | (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => a == b,
    }
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("hello.txt"), "hello\n").expect("write fixture");
    std::fs::create_dir(dir.path().join("sub")).expect("fixture dir");
    dir
}

#[test]
fn terraform_recorded_cases() {
    let dir = fixture();
    let ctx = FuncContext { base_dir: dir.path().to_path_buf(), ..FuncContext::default() };
    let mut failures = Vec::new();
    let mut count = 0;
    for line in CASES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        count += 1;
        let (call_text, expected, is_value) = split_case(line);
        let mut p = Lit { s: call_text.as_bytes(), i: 0 };
        let name = p.ident();
        let args = p.args();
        let got = call(&name, args, &ctx);
        let got = got.map_err(|e| {
            // The file cases name paths relative to the fixture directory, as Terraform does
            // relative to its working directory.
            e.message.replace(&format!("{}/", dir.path().display()), "")
        });
        if is_value {
            let want = Lit { s: expected.as_bytes(), i: 0 }.value();
            match &got {
                Ok(v) if same(v, &want) => {}
                _ => failures.push(format!("{line}\n    got {got:?}\n    want {want:?}")),
            }
        } else {
            match &got {
                Err(msg) if msg.contains(expected) => {}
                _ => failures.push(format!("{line}\n    got {got:?}\n    want error containing {expected:?}")),
            }
        }
    }
    assert!(count >= 150, "only {count} cases");
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n"));
}

/// Every function, called with awkward arguments, returns a value or an error: never a panic.
#[test]
fn no_panics_on_awkward_arguments() {
    let s = Value::string;
    let pool = vec![
        Value::Null,
        Value::Unknown,
        Value::Bool(true),
        Value::Number(f64::NAN),
        Value::Number(f64::INFINITY),
        Value::Number(-1e300),
        Value::Number(-1.0),
        Value::Number(0.5),
        Value::Number(4e9),
        s(""),
        s("%[9]d/\\/[("),
        s("10.0.0.0/8"),
        s("~"),
        Value::Tuple(vec![Value::Unknown, s("a"), Value::Number(1.0), Value::Tuple(vec![Value::Null])]),
        Value::List(vec![]),
        Value::Set(vec![s("a"), s("b")]),
        Value::Object([("a".to_string(), Value::Unknown), ("b".to_string(), Value::Map(Default::default()))].into()),
    ];
    let ctx = FuncContext::default();
    let mut calls = 0usize;
    for name in super::NAMES {
        let mut args: Vec<Vec<Value>> = vec![vec![]];
        let mut level: Vec<Vec<Value>> = vec![vec![]];
        for _ in 0..3 {
            level = level
                .iter()
                .flat_map(|prefix| {
                    pool.iter().map(move |v| {
                        let mut p = prefix.clone();
                        p.push(v.clone());
                        p
                    })
                })
                .collect();
            args.extend(level.iter().cloned());
        }
        for a in args {
            let shown = format!("{name}({a:?})");
            let result = std::panic::catch_unwind(|| call(name, a, &ctx));
            assert!(result.is_ok(), "panic in {shown}");
            calls += 1;
        }
    }
    assert!(calls > 100_000, "{calls}");
}
