//! The `plcli` binary: command-line parsing, one module per command, rendering and exit
//! codes. All the work happens in the `plcli-*` crates.

#![allow(clippy::result_large_err)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

mod cmd;
mod ui;

// See docs/performance.md: allocation dominates at 10,000 consumers.
// (`--features system-alloc` builds with the system allocator, for heap profilers such as
// valgrind's massif, which cannot see inside mimalloc.)
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AFTER_HELP: &str = "\
Examples:
  plcli validate --dir examples/payments
  plcli fmt --check --diff
  plcli completions bash > /etc/bash_completion.d/plcli

Exit codes: 0 success; 1 error; 2 ran and found something (fmt --check with files to rewrite).";

/// Plan, simulate, verify and lint AWS PrivateLink topologies written in Terraform.
#[derive(Parser, Debug)]
#[command(name = "plcli", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// The root module directory.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// The state file (default: plcli.state.json in the root).
    #[arg(long, global = true, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// The simulated region's world file (default: .plcli/world.json in the root).
    #[arg(long, global = true, value_name = "FILE", env = "PLCLI_WORLD")]
    pub world: Option<PathBuf>,
    /// Never colour the output (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Set a root variable: --var NAME=VALUE (repeatable; later wins).
    #[arg(long = "var", global = true, value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read root variables from a .tfvars or .tfvars.json file (repeatable).
    #[arg(long = "var-file", global = true, value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check that the configuration is valid: syntax, references, types, schemas.
    #[command(after_help = "Example:\n  plcli validate --dir examples/payments\n  plcli validate --json | jq '.diagnostics[].summary'")]
    Validate(cmd::validate::ValidateArgs),
    /// Rewrite files in Terraform's canonical format (byte-identical to `terraform fmt`).
    #[command(
        after_help = "Examples:\n  plcli fmt                 # rewrite every .tf/.tfvars/.plcli.hcl file in --dir\n  plcli fmt --check --diff  # CI: list and show what would change, exit 2 if anything would\n  cat main.tf | plcli fmt - # format standard input to standard output"
    )]
    Fmt(cmd::fmt::FmtArgs),
    /// Show what apply would change: refresh from the world, diff configuration and state.
    #[command(
        after_help = "Examples:\n  plcli plan --dir examples/payments\n  plcli plan --out tfplan && plcli apply tfplan\n  plcli plan --json | jq '.resource_changes[].change.actions'\n  plcli plan --detailed-exitcode   # exit 2 when there are changes"
    )]
    Plan(cmd::workflow::PlanArgs),
    /// Carry out a plan on the simulated region.
    #[command(after_help = "Examples:\n  plcli apply --auto-approve --dir examples/payments\n  plcli apply tfplan")]
    Apply(cmd::workflow::ApplyArgs),
    /// Destroy every object the state manages.
    #[command(after_help = "Example:\n  plcli destroy --auto-approve")]
    Destroy(cmd::workflow::DestroyArgs),
    /// Show the state, or a saved plan.
    #[command(
        after_help = "Examples:\n  plcli show\n  plcli show --json | jq '.values.root_module.resources[].address'\n  plcli show tfplan"
    )]
    Show(cmd::inspect::ShowArgs),
    /// Print root outputs from the state.
    #[command(after_help = "Examples:\n  plcli output\n  plcli output --raw service_name")]
    Output(cmd::inspect::OutputArgs),
    /// State surgery: list, show, rm, mv.
    #[command(subcommand, after_help = "Examples:\n  plcli state list\n  plcli state mv aws_vpc.old aws_vpc.new")]
    State(cmd::inspect::StateCommand),
    /// Draw the dependency graph (or, with --topology, the PrivateLink topology).
    #[command(after_help = "Examples:\n  plcli graph | dot -Tsvg > graph.svg\n  plcli graph --topology --format mermaid")]
    Graph(cmd::inspect::GraphArgs),
    /// Check end to end that each consumer reaches the service, hop by hop, and say why not.
    #[command(
        after_help = "Examples:\n  plcli verify --planned --dir examples/payments   # before anything is applied\n  plcli verify --scenario az2_down                 # what if an AZ fails?\n  plcli verify --json | jq '.summary'\n\nExit codes: 0 every path meets its expectation; 2 one does not; 1 error."
    )]
    Verify(cmd::verify::VerifyArgs),
    /// Check the topology statically: PrivateLink-aware rules, no state or world needed.
    #[command(
        after_help = "Examples:\n  plcli lint --dir examples/payments\n  plcli lint --format sarif > plcli.sarif          # for code scanning\n  plcli lint --format compact --min-severity error  # CI: fail only on errors\n  plcli lint --rule PL003 --skip PL016\n  plcli lint --explain PL003\n\nExit codes: 0 no finding at or above --min-severity (default warning); 2 some; 1 error (invalid configuration)."
    )]
    Lint(cmd::lint::LintArgs),
    /// The simulated AWS API: describe, accept, reject, verify private DNS, dig (SPEC §8).
    #[command(
        after_help = "Examples:\n  plcli cloud ec2 describe-vpc-endpoint-connections --service-id vpce-svc-0123456789abcdef0 --as 111111111111\n  plcli cloud ec2 accept-vpc-endpoint-connections --service-id vpce-svc-0123456789abcdef0 --vpc-endpoint-ids vpce-0a1b2c3d4e5f6a7b8\n  plcli cloud ec2 describe-vpc-endpoints --filters Name=vpc-endpoint-state,Values=pendingAcceptance --query 'VpcEndpoints[].VpcEndpointId'\n  plcli cloud dns resolve payments.example.com --vpc vpc-0123456789abcdef0 --as aws.consumer\n\nExit codes: 0 success (a name that does not resolve answers with empty Answers); 1 the call failed (AWS error code and message)."
    )]
    Cloud(cmd::cloud::CloudArgs),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  plcli completions zsh > ~/.zfunc/_plcli")]
    Completions {
        /// The shell to generate completions for.
        shell: clap_complete::Shell,
    },
}

/// plcli is a short-lived process that builds large value trees and frees them in bulk:
/// handing freed pages back to the OS (mimalloc's default after 10 ms) only makes it fault
/// them in and zero them again moments later. Keep them until exit. Transparent huge pages
/// (which mimalloc asks for) make every first touch zero 2 MiB: on a virtual machine that was
/// a third of a large `apply`, for memory mostly not needed yet; small pages are faster here
/// (docs/performance.md).
fn tune_allocator() {
    #[cfg(not(feature = "system-alloc"))]
    // SAFETY: mi_option_set only stores an option value; it is safe to call at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1)
    };
    // mimalloc reserved and advised its arena before main: turn huge pages off for the
    // process instead (the kernel checks this at each fault).
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and changes only this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// `mi_option_purge_delay` in the `mi_option_t` of the mimalloc that `libmimalloc-sys` 0.1.49
/// builds (the crate's own constants predate it).
#[cfg(not(feature = "system-alloc"))]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    tune_allocator();
    // Deeply nested (but accepted) input recurses in the parser and evaluator: give them room.
    let child = std::thread::Builder::new().stack_size(256 * 1024 * 1024).spawn(|| exit_now(run()));
    match child.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            eprintln!("plcli: internal error (this is a bug; please report it with the input that caused it)");
            ExitCode::from(1)
        }
    }
}

/// Ends the process as soon as a command is done: everything it wrote is flushed, its files
/// are closed and its locks released (it has returned), so the only work left would be
/// handing every page of the heap back to the allocator, thread by thread (milliseconds at
/// scale, for memory the kernel takes back anyway).
fn exit_now(code: u8) -> u8 {
    use std::io::Write;
    let flushed = std::io::stdout().flush().is_ok() && std::io::stderr().flush().is_ok();
    if !flushed {
        // Let the normal exit path report nothing more; keep the code.
        return code;
    }
    // SAFETY: _exit ends the process without running exit handlers or destructors; nothing
    // is pending (see above).
    unsafe { libc::_exit(i32::from(code)) }
}

fn run() -> u8 {
    let cli = Cli::parse();
    let ui = ui::Ui::new(cli.global.no_color);
    match &cli.command {
        Command::Validate(args) => cmd::validate::run(&cli.global, args, &ui),
        Command::Fmt(args) => cmd::fmt::run(&cli.global, args, &ui),
        Command::Plan(args) => cmd::workflow::run_plan(&cli.global, args, &ui),
        Command::Apply(args) => cmd::workflow::run_apply(&cli.global, args, &ui),
        Command::Destroy(args) => cmd::workflow::run_destroy(&cli.global, args, &ui),
        Command::Show(args) => cmd::inspect::run_show(&cli.global, args, &ui),
        Command::Output(args) => cmd::inspect::run_output(&cli.global, args, &ui),
        Command::State(c) => cmd::inspect::run_state(&cli.global, c, &ui),
        Command::Graph(args) => cmd::inspect::run_graph(&cli.global, args, &ui),
        Command::Verify(args) => cmd::verify::run(&cli.global, args, &ui),
        Command::Lint(args) => cmd::lint::run(&cli.global, args, &ui),
        Command::Cloud(args) => cmd::cloud::run(&cli.global, args, &ui),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "plcli", &mut std::io::stdout());
            0
        }
    }
}
