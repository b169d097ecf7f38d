//! A root's files: configuration, variables, state, world, locks and the journal.

use std::path::{Path, PathBuf};
use std::time::Duration;

use plcli_config::variables::{CliVar, VarValues};
use plcli_config::Module;
use plcli_sim::World;
use plcli_state::{atomic_write_with, Journal, Lock, State};
use plcli_syntax::{Diagnostic, Diagnostics, SourceMap};

/// The world file's bytes: the world, then a newline.
fn write_world_file(world: &World, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    world.write_json_pretty(w)?;
    w.write_all(b"\n")
}

/// Where a root's files are and how to reach them.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub dir: PathBuf,
    pub state_path: PathBuf,
    pub world_path: PathBuf,
    pub cli_vars: Vec<CliVar>,
    pub env: Vec<(String, String)>,
    pub lock_timeout: Duration,
}

/// A file plcli cannot use, or a lock it cannot take.
#[derive(Debug, Clone)]
pub struct WorkspaceError(pub Diagnostic);

impl From<WorkspaceError> for Diagnostics {
    fn from(e: WorkspaceError) -> Diagnostics {
        e.0.into()
    }
}

fn file_error(code: &'static str, summary: String, detail: String) -> WorkspaceError {
    WorkspaceError(
        Diagnostic::error(code, summary)
            .with_detail(detail)
            .with_help("plcli never overwrites a file it cannot read: fix or move it, or point --state/--world elsewhere"),
    )
}

/// The configuration and variable values of a root.
pub struct Loaded {
    pub sources: SourceMap,
    pub module: Module,
    pub vars: VarValues,
    /// Warnings found while loading.
    pub warnings: Diagnostics,
    /// The plan walk's schedule, when it was built ahead (see [`Loaded::prepare_schedule`]).
    schedule: std::sync::Mutex<Option<Result<plcli_graph::Schedule, Diagnostics>>>,
}

impl Loaded {
    /// Builds the plan walk's schedule (the dependency graph and its order) now, for the next
    /// plan to take: on the thread that loaded the configuration, while another reads the
    /// state and the world, instead of after both.
    pub fn prepare_schedule(&self) {
        let opts = plcli_graph::WalkOptions { mode: plcli_graph::WalkMode::Plan, vars: &self.vars, root_dir: self.module.dir.clone() };
        let built = plcli_graph::Schedule::build(&self.module, &opts);
        *self.schedule.lock().unwrap_or_else(|e| e.into_inner()) = Some(built);
    }

    /// The schedule [`Loaded::prepare_schedule`] built, if any (once).
    pub(crate) fn take_schedule(&self) -> Option<Result<plcli_graph::Schedule, Diagnostics>> {
        self.schedule.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl Workspace {
    /// Defaults of SPEC §4/§5: `plcli.state.json` and `.plcli/world.json` in the root.
    pub fn new(dir: &Path, state: Option<&Path>, world: Option<&Path>) -> Workspace {
        Workspace {
            dir: dir.to_path_buf(),
            state_path: state.map(Path::to_path_buf).unwrap_or_else(|| dir.join("plcli.state.json")),
            world_path: world.map(Path::to_path_buf).unwrap_or_else(|| dir.join(".plcli").join("world.json")),
            cli_vars: Vec::new(),
            env: Vec::new(),
            lock_timeout: Duration::ZERO,
        }
    }

    pub fn journal_path(&self) -> PathBuf {
        PathBuf::from(format!("{}.journal", self.state_path.display()))
    }

    fn lock_path(p: &Path) -> PathBuf {
        PathBuf::from(format!("{}.lock", p.display()))
    }

    /// Loads and decodes the configuration and the root variables; errors stop here.
    pub fn load(&self, require_vars: bool) -> Result<Loaded, (SourceMap, Diagnostics)> {
        let mut sources = SourceMap::new();
        let (module, mut diags) = plcli_config::load_config(&self.dir, &mut sources);
        if diags.has_errors() {
            return Err((sources, diags));
        }
        let (vars, var_diags) = plcli_config::variables::collect(&module, &self.dir, &self.env, &self.cli_vars, &mut sources);
        diags.extend(var_diags);
        if require_vars {
            for name in &vars.missing {
                let v = &module.variables[name];
                diags.push(
                    Diagnostic::error("no_value_for_required_variable", "No value for required variable")
                        .with_span(v.span)
                        .with_detail(format!("The root module input variable \"{name}\" is not set, and has no default value."))
                        .with_help(format!("use --var {name}=..., a --var-file, TF_VAR_{name} or a terraform.tfvars file")),
                );
            }
        }
        if diags.has_errors() {
            return Err((sources, diags));
        }
        Ok(Loaded { sources, module, vars, warnings: diags, schedule: Default::default() })
    }

    /// Takes the state lock (and the world lock when `world` is set).
    pub fn lock(&self, operation: &str, world: bool) -> Result<Vec<Lock>, WorkspaceError> {
        let mut locks = Vec::new();
        let lock_err = |e: plcli_state::LockError| {
            WorkspaceError(
                Diagnostic::error("lock_held", "Error acquiring the state lock")
                    .with_detail(e.to_string())
                    .with_help("wait for the other plcli to finish, or raise --lock-timeout; if no plcli runs, remove the .lock file"),
            )
        };
        if let Some(dir) = self.state_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        locks.push(Lock::acquire(&Self::lock_path(&self.state_path), operation, self.lock_timeout).map_err(lock_err)?);
        if world {
            if let Some(dir) = self.world_path.parent().filter(|p| !p.as_os_str().is_empty()) {
                let _ = std::fs::create_dir_all(dir);
            }
            locks.push(Lock::acquire(&Self::lock_path(&self.world_path), operation, self.lock_timeout).map_err(lock_err)?);
        }
        Ok(locks)
    }

    /// Takes only the world lock: for API calls on the world (`plcli cloud`) that change no
    /// state file.
    pub fn lock_world(&self, operation: &str) -> Result<Lock, WorkspaceError> {
        if let Some(dir) = self.world_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        Lock::acquire(&Self::lock_path(&self.world_path), operation, self.lock_timeout).map_err(|e| {
            WorkspaceError(
                Diagnostic::error("lock_held", "Error acquiring the world lock")
                    .with_detail(e.to_string())
                    .with_help("wait for the other plcli to finish, or raise --lock-timeout; if no plcli runs, remove the .lock file"),
            )
        })
    }

    /// Reads the state (a new one when there is none).
    pub fn read_state(&self) -> Result<State, WorkspaceError> {
        self.read_state_sharing(None)
    }

    fn read_state_sharing(&self, share: Option<plcli_state::Share>) -> Result<State, WorkspaceError> {
        match State::load_sharing(&self.state_path, share) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Ok(State::new()),
            Err(e) => Err(file_error("invalid_state", format!("Cannot use state file {}", self.state_path.display()), e.to_string())),
        }
    }

    /// Reads the world (a fresh one when there is none).
    pub fn read_world(&self) -> Result<World, WorkspaceError> {
        let path = &self.world_path;
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(World::new()),
            Err(e) => return Err(file_error("invalid_world", format!("Cannot read world file {}", path.display()), e.to_string())),
        };
        World::from_slice(&bytes).map_err(|e| {
            // Tell a syntax error from a world that does not fit, in the JSON tree's words.
            match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Err(syntax) => file_error("invalid_world", format!("World file {} is not valid JSON", path.display()), syntax.to_string()),
                Ok(j) => {
                    let e = World::from_json(&j).err().unwrap_or(e);
                    file_error("invalid_world", format!("Cannot use world file {}", path.display()), e.to_string())
                }
            }
        })
    }

    pub fn write_world(&self, world: &World) -> Result<(), WorkspaceError> {
        atomic_write_with(&self.world_path, |w| write_world_file(world, w)).map_err(|e| self.world_write_error(e))
    }

    pub fn write_state(&self, state: &State) -> Result<(), WorkspaceError> {
        state.save(&self.state_path).map_err(|e| self.state_write_error(e))
    }

    /// Writes the world and the state together: both to temporary files side by side, then
    /// renamed into place; when either cannot be written, neither file changes.
    pub fn write_state_and_world(&self, state: &State, world: &World) -> Result<(), WorkspaceError> {
        let (world_tmp, state_tmp) = self.write_temps(state, world)?;
        self.install_temps(&world_tmp, &state_tmp)
    }

    fn world_write_error(&self, e: impl std::fmt::Display) -> WorkspaceError {
        file_error("write_failed", format!("Cannot write world file {}", self.world_path.display()), e.to_string())
    }

    fn state_write_error(&self, e: impl std::fmt::Display) -> WorkspaceError {
        file_error("write_failed", format!("Cannot write state file {}", self.state_path.display()), e.to_string())
    }

    /// The first half of writing the world and the state together (see [`crate::commit`]):
    /// both in temporary files beside them, side by side. Returns their names.
    pub fn write_temps(&self, state: &State, world: &World) -> Result<(PathBuf, PathBuf), WorkspaceError> {
        let (w, s) = std::thread::scope(|scope| {
            let w = scope.spawn(|| plcli_state::write_temp(&self.world_path, |w| write_world_file(world, w)));
            // The state first: joining first would write the two one after the other.
            let s = state.save_temp(&self.state_path);
            (w.join(), s)
        });
        // Nothing is left behind when the pair cannot be written.
        match (w, s) {
            (Ok(Ok(w)), Ok(s)) => Ok((w, s)),
            (Ok(Ok(w)), Err(e)) => {
                let _ = std::fs::remove_file(&w);
                Err(self.state_write_error(e))
            }
            (failed, s) => {
                if let Ok(s) = s {
                    let _ = std::fs::remove_file(&s);
                }
                Err(self.world_write_error(match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "the writer stopped".into(),
                }))
            }
        }
    }

    /// The second half: renames the temporary files over the world and the state (whichever
    /// is still there: a replay after a crash may find one already moved).
    pub fn install_temps(&self, world_tmp: &Path, state_tmp: &Path) -> Result<(), WorkspaceError> {
        if world_tmp.exists() {
            plcli_state::install(world_tmp, &self.world_path).map_err(|e| self.world_write_error(e))?;
        }
        if state_tmp.exists() {
            State::install(state_tmp, &self.state_path).map_err(|e| self.state_write_error(e))?;
        }
        Ok(())
    }

    /// Reads the state and the world, the state's attributes sharing the world's where they
    /// are the same (after an apply, nearly all of them): one copy in memory instead of two.
    /// The world first, then the state: each instance's attributes are swapped for the world
    /// object's as soon as they are read, so the two copies never coexist (reading both side
    /// by side would hold both files' text and both copies at once: the largest moment of a
    /// no-op plan at 80,000 resources). The configuration loads on another thread meanwhile.
    pub fn read_state_and_world(&self) -> Result<(State, World), WorkspaceError> {
        let world = std::rc::Rc::new(self.read_world()?);
        let shared = std::rc::Rc::clone(&world);
        let share: plcli_state::Share = Box::new(move |ty: &str, attrs: &plcli_lang::Value| {
            let id = attrs.get_attr("id")?.as_str()?;
            shared.read(ty, id)
        });
        let state = self.read_state_sharing(Some(share))?;
        // The sharing function (and its handle on the world) is gone with the read.
        let world = std::rc::Rc::try_unwrap(world).unwrap_or_else(|w| (*w).clone());
        Ok((state, world))
    }

    /// Finishes an apply that a crash interrupted. An apply's commit record names the new
    /// world and state files it had finished writing: they are moved into place. Otherwise
    /// (a destroy) the journal's operations are replayed into the state and world files. The
    /// journal is then removed; one with no complete record (the process died writing its
    /// first) changed nothing and is removed as it is. Must hold both locks.
    pub fn recover(&self) -> Result<Recovery, WorkspaceError> {
        let jpath = self.journal_path();
        let bad = |m: String| file_error("invalid_journal", format!("Cannot replay journal {}", jpath.display()), m);
        let entries = match Journal::replay(&jpath) {
            Ok(Some(e)) => e,
            Ok(None) => return Ok(Recovery::Nothing),
            Err(e) => return Err(bad(e.to_string())),
        };
        if let Some(commit) = entries.iter().find(|e| e.get(crate::apply::COMMIT).is_some()) {
            // Only file names are recorded; the files are beside the world and the state.
            let tmp = |key: &str, beside: &Path| {
                commit
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(|f| beside.with_file_name(f))
                    .ok_or_else(|| bad(format!("the commit record has no \"{key}\"")))
            };
            let (world_tmp, state_tmp) = (tmp("world_tmp", &self.world_path)?, tmp("state_tmp", &self.state_path)?);
            self.install_temps(&world_tmp, &state_tmp)?;
            let _ = std::fs::remove_file(&jpath);
            return Ok(Recovery::Replayed);
        }
        if entries.is_empty() {
            let _ = std::fs::remove_file(&jpath);
            return Ok(Recovery::Discarded);
        }
        let mut state = self.read_state()?;
        let mut world = self.read_world()?;
        for e in &entries {
            apply_record(&mut state, &mut world, e).map_err(bad)?;
        }
        state.serial += 1;
        self.write_state_and_world(&state, &world)?;
        let _ = std::fs::remove_file(&jpath);
        Ok(Recovery::Replayed)
    }
}

/// What [`Workspace::recover`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// No journal.
    Nothing,
    /// An interrupted apply, finished from its journal.
    Replayed,
    /// The journal of an apply interrupted before anything took effect, removed.
    Discarded,
}

/// Applies one journal record to the in-memory state and world.
pub(crate) fn apply_record(state: &mut State, world: &mut World, e: &serde_json::Value) -> Result<(), String> {
    if let Some(objs) = e.get("world").and_then(|w| w.as_object()) {
        for (id, o) in objs {
            world.apply_object_json(id, o).map_err(|e| e.to_string())?;
        }
    }
    if let Some(meta) = e.get("meta") {
        world.apply_meta_json(meta).map_err(|e| e.to_string())?;
    }
    if let Some(insts) = e.get("state").and_then(|s| s.as_object()) {
        for (addr, inst) in insts {
            if inst.is_null() {
                state.instances.remove(addr);
            } else {
                let i = crate::apply::instance_from_json(inst).ok_or_else(|| format!("bad state record for {addr}"))?;
                state.instances.insert(addr.clone(), i);
            }
        }
    }
    Ok(())
}
