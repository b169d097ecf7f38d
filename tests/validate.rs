//! `plcli validate`: one snapshot per class of error, and the examples.

mod common;

use common::{plcli, repo, root};

fn validate(files: &[(&str, &str)]) -> String {
    let dir = root(files);
    plcli(dir.path(), &["validate"]).transcript()
}

const PROVIDER: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n";

#[test]
fn valid_config_says_success() {
    let out = validate(&[("main.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\nresource \"aws_subnet\" \"a\" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, 0)\n}\n")]);
    insta::assert_snapshot!(out);
}

#[test]
fn syntax_error() {
    insta::assert_snapshot!(validate(&[("main.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\n}\n")]));
}

#[test]
fn unknown_attribute_with_suggestion() {
    insta::assert_snapshot!(validate(&[("main.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_blok = \"10.0.0.0/16\"\n}\n")]));
}

#[test]
fn legacy_tags_block_is_unsupported() {
    insta::assert_snapshot!(validate(&[(
        "main.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags {\n    Name = \"legacy\"\n  }\n}\n"
    )]));
}

#[test]
fn missing_required_attribute() {
    insta::assert_snapshot!(validate(&[("main.tf", "resource \"aws_subnet\" \"a\" {\n  cidr_block = \"10.0.1.0/24\"\n}\n")]));
}

#[test]
fn wrong_attribute_type() {
    insta::assert_snapshot!(validate(&[(
        "main.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block         = \"10.0.0.0/16\"\n  enable_dns_support = \"maybe\"\n}\n"
    )]));
}

#[test]
fn undeclared_references() {
    insta::assert_snapshot!(validate(&[(
        "main.tf",
        "variable \"region\" {\n  default = \"us-east-1\"\n}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\nresource \"aws_subnet\" \"a\" {\n  vpc_id            = aws_vpc.mian.id\n  cidr_block        = local.cidr\n  availability_zone = \"${var.regoin}a\"\n}\n\noutput \"x\" {\n  value = module.nothing.id\n}\n\noutput \"y\" {\n  value = aws_vpc.main.cidr_blok\n}\n"
    )]));
}

#[test]
fn dependency_cycle_names_every_member() {
    insta::assert_snapshot!(validate(&[("main.tf", "locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n")]));
}

#[test]
fn duplicate_attribute_cites_both_places() {
    insta::assert_snapshot!(validate(&[("main.tf", "resource \"aws_vpc\" \"dup\" {\n  cidr_block         = \"10.0.0.0/16\"\n  enable_dns_support = true\n  enable_dns_support = false\n}\n")]));
}

#[test]
fn duplicate_resource_and_variable() {
    insta::assert_snapshot!(validate(&[
        ("a.tf", "variable \"x\" {}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n"),
        ("b.tf", "variable \"x\" {}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n"),
    ]));
}

#[test]
fn variable_value_of_wrong_type_and_failing_validation() {
    insta::assert_snapshot!(validate(&[
        (
            "main.tf",
            "variable \"port\" {\n  type = number\n}\n\nvariable \"env\" {\n  type = string\n  validation {\n    condition     = contains([\"dev\", \"prod\"], var.env)\n    error_message = \"env must be dev or prod.\"\n  }\n}\n",
        ),
        ("terraform.tfvars", "port = \"eighty\"\nenv  = \"staging\"\n"),
    ]));
}

#[test]
fn required_variable_without_value_is_fine_for_validate() {
    insta::assert_snapshot!(validate(&[("main.tf", "variable \"ids\" {\n  type = list(string)\n}\n\nresource \"aws_subnet\" \"a\" {\n  count      = length(var.ids)\n  vpc_id     = var.ids[count.index]\n  cidr_block = \"10.0.${count.index}.0/24\"\n}\n")]));
}

#[test]
fn unreadable_inputs() {
    let dir = root(&[("main.tf", PROVIDER)]);
    std::fs::write(dir.path().join("binary.tf"), b"resource\0\x01\x02").unwrap();
    std::fs::write(dir.path().join("latin1.tf"), b"# caf\xe9\n").unwrap();
    insta::assert_snapshot!("unreadable_files", plcli(dir.path(), &["validate"]).transcript());
    let empty = root(&[]);
    insta::assert_snapshot!("empty_directory", plcli(empty.path(), &["validate"]).transcript());
    insta::assert_snapshot!("missing_directory", plcli(empty.path(), &["validate", "--dir", "nope"]).transcript());
}

#[test]
fn json_output_has_terraform_shape_and_codes() {
    let dir = root(&[("main.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_blok = \"10.0.0.0/16\"\n}\n")]);
    let run = plcli(dir.path(), &["validate", "--json"]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["valid"], false);
    assert_eq!(v["error_count"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "unsupported_argument");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["range"]["filename"], "main.tf");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["range"]["start"]["column"], 3);
}

#[test]
fn every_example_validates() {
    for ex in ["payments", "fraud-scoring", "split-roots/provider", "split-roots/consumer"] {
        let run = plcli(repo(), &["validate", "--dir", &format!("examples/{ex}")]);
        assert_eq!(run.code, 0, "examples/{ex} does not validate:\n{}", run.transcript());
    }
}

#[test]
fn variable_precedence_is_terraforms() {
    let dir = root(&[
        ("main.tf", "variable \"a\" {\n  default = \"default\"\n}\n\nvariable \"b\" {\n  default = \"default\"\n}\n\nvariable \"c\" {\n  default = \"default\"\n}\n\nvariable \"d\" {\n  default = \"default\"\n}\n\nvariable \"e\" {\n  default = \"default\"\n}\n\noutput \"all\" {\n  value = join(\",\", [var.a, var.b, var.c, var.d, var.e])\n}\n"),
        ("terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\n"),
        ("x.auto.tfvars", "c = \"auto\"\nd = \"auto\"\ne = \"auto\"\n"),
        ("extra.tfvars", "d = \"var-file\"\ne = \"var-file\"\n"),
    ]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plcli"))
        .args(["apply", "--auto-approve", "--var", "e=first", "--var-file", "extra.tfvars", "--no-color"])
        .current_dir(dir.path())
        .env("TF_VAR_a", "env")
        .env("TF_VAR_b", "env")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // --var e=first comes before --var-file, which sets e again: command-line order wins.
    let all = plcli(dir.path(), &["output", "--raw", "all"]);
    assert_eq!(all.stdout, "env,tfvars,auto,var-file,var-file");
}

#[test]
fn installed_registry_modules_are_read_and_missing_ones_reported_once() {
    let dir = root(&[
        (
            "main.tf",
            "module \"net\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.0.0\"\n  cidr    = \"10.0.0.0/16\"\n}\n\nmodule \"gone\" {\n  source = \"git::https://example.com/x.git\"\n}\n\noutput \"vpc\" {\n  value = module.net.vpc_id\n}\n\noutput \"other\" {\n  value = module.gone.anything\n}\n",
        ),
        (".terraform/modules/modules.json", "{\"Modules\":[{\"Key\":\"\",\"Source\":\"\",\"Dir\":\".\"},{\"Key\":\"net\",\"Source\":\"registry.terraform.io/terraform-aws-modules/vpc/aws\",\"Version\":\"5.0.0\",\"Dir\":\".terraform/modules/net\"}]}"),
        (".terraform/modules/net/main.tf", "variable \"cidr\" {\n  type = string\n}\n\nresource \"aws_vpc\" \"this\" {\n  cidr_block = var.cidr\n}\n\noutput \"vpc_id\" {\n  value = aws_vpc.this.id\n}\n"),
    ]);
    let run = plcli(dir.path(), &["validate", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let warnings: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(warnings, vec!["module_not_available"]);
    // Its resources plan with module addresses.
    let plan = plcli(dir.path(), &["plan", "--json"]);
    let j: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    assert_eq!(j["resource_changes"][0]["address"], "module.net.aws_vpc.this");
    assert_eq!(j["resource_changes"][0]["module_address"], "module.net");
}

#[test]
fn legacy_syntax_still_works() {
    let out = validate(&[(
        "main.tf",
        "provider \"aws\" {\n  alias = \"peer\"\n}\n\nvariable \"cidrs\" {\n  type    = \"list\"\n  default = [\"10.0.0.0/16\"]\n}\n\nresource \"aws_vpc\" \"old\" {\n  provider   = \"aws.peer\"\n  cidr_block = \"${var.cidrs[0]}\"\n}\n\nresource \"aws_subnet\" \"s\" {\n  provider   = aws.peer\n  vpc_id     = \"${aws_vpc.old.id}\"\n  cidr_block = \"${cidrsubnet(var.cidrs.0, 8, 1)}\"\n  depends_on = [\"aws_vpc.old\"]\n}\n\noutput \"ids\" {\n  value = \"${aws_subnet.s.*.id}\"\n}\n",
    )]);
    insta::assert_snapshot!(out);
}
