use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plcli_lang::Value;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value as Json};

use crate::files::{install, write_temp};

/// Terraform's state format version.
pub const STATE_VERSION: u64 = 4;

/// A state file that cannot be used; it is never overwritten.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StateError {
    #[error("cannot read state file {path}: {message}")]
    Unreadable { path: PathBuf, message: String },
    #[error("state file {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("state file {path} has format version {version}; plcli reads version {STATE_VERSION}")]
    Version { path: PathBuf, version: u64 },
    #[error("cannot write state file {path}: {message}")]
    Write { path: PathBuf, message: String },
}

/// One resource instance in state.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceState {
    /// `module.x["a"]` or empty for the root.
    pub module: String,
    /// `managed` or `data`.
    pub mode: String,
    pub ty: String,
    pub name: String,
    /// `null`, a number or a string, as Terraform's `index_key`.
    pub index_key: Json,
    /// As Terraform writes it: `provider["registry.terraform.io/hashicorp/aws"].alias`.
    pub provider: String,
    pub attributes: Value,
    pub dependencies: Vec<String>,
    /// Whether plcli simulates the type (false: opaque, never in the world).
    pub create_before_destroy: bool,
}

impl InstanceState {
    /// The instance's address, e.g. `module.c["a"].aws_vpc.main[0]`.
    pub fn address(&self) -> String {
        let mut s = String::new();
        if !self.module.is_empty() {
            s.push_str(&self.module);
            s.push('.');
        }
        if self.mode == "data" {
            s.push_str("data.");
        }
        s.push_str(&self.ty);
        s.push('.');
        s.push_str(&self.name);
        match &self.index_key {
            Json::Number(n) => s.push_str(&format!("[{n}]")),
            Json::String(k) => s.push_str(&format!("[{}]", Json::String(k.clone()))),
            _ => {}
        }
        s
    }

    /// The cloud ID.
    pub fn id(&self) -> Option<&str> {
        self.attributes.get_attr("id").and_then(Value::as_str)
    }
}

/// `module.a["x"].aws_vpc.b[0]` → `module.a.aws_vpc.b`: the static resource address, as
/// `dependencies` records it.
pub fn strip_instance_keys(addr: &str) -> String {
    let mut out = String::with_capacity(addr.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut prev = '\0';
    for c in addr.chars() {
        match c {
            '"' if depth > 0 && prev != '\\' => in_string = !in_string,
            '[' if !in_string => depth += 1,
            ']' if !in_string => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
        prev = c;
    }
    out
}

/// A root output in state.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputState {
    pub value: Value,
    pub sensitive: bool,
}

/// The state: what plcli believes it manages, by address.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub serial: u64,
    pub lineage: String,
    pub outputs: BTreeMap<String, OutputState>,
    pub instances: BTreeMap<String, InstanceState>,
}

/// A Terraform-style type expression of a value, for `outputs[*].type`.
pub fn type_json(v: &Value) -> Json {
    match v {
        Value::Null | Value::Unknown => json!("dynamic"),
        Value::Bool(_) => json!("bool"),
        Value::Number(_) => json!("number"),
        Value::String(_) => json!("string"),
        Value::List(items) => json!(["list", items.first().map(type_json).unwrap_or(json!("dynamic"))]),
        Value::Set(items) => json!(["set", items.first().map(type_json).unwrap_or(json!("dynamic"))]),
        Value::Tuple(items) => json!(["tuple", items.iter().map(type_json).collect::<Vec<_>>()]),
        Value::Map(m) => json!(["map", m.values().next().map(type_json).unwrap_or(json!("dynamic"))]),
        Value::Object(m) => json!(["object", m.iter().map(|(k, v)| (k.to_string(), type_json(v))).collect::<serde_json::Map<_, _>>()]),
    }
}

impl State {
    /// A new, empty state with a fresh lineage.
    pub fn new() -> State {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let seed = nanos ^ ((std::process::id() as u128) << 64);
        let h = format!("{:032x}", seed.wrapping_mul(0x9e3779b97f4a7c15f39cc0605cedc835));
        let lineage = format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32]);
        State { serial: 0, lineage, outputs: BTreeMap::new(), instances: BTreeMap::new() }
    }

    /// Reads the state at `path`; `Ok(None)` when there is no file.
    pub fn load(path: &Path) -> Result<Option<State>, StateError> {
        State::load_sharing(path, None)
    }

    /// [`State::load`], each instance's attributes replaced as soon as they are read by the
    /// value `share` gives for them (the type and the attributes read), when it gives one and
    /// it is equal: the world's copy of the same object, so that state and world hold one copy
    /// between them and the state's own is dropped before the next instance is read.
    pub fn load_sharing(path: &Path, share: Option<Share>) -> Result<Option<State>, StateError> {
        let _sharing = SharingGuard::set(share);
        let text = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::Unreadable { path: path.into(), message: e.to_string() }),
        };
        let err = |e: Err1| match e {
            Err1::Version(v) => StateError::Version { path: path.into(), version: v },
            Err1::Invalid(m) => StateError::Invalid { path: path.into(), message: m },
        };
        match State::from_slice(&text) {
            Some(st) => Ok(Some(st)),
            // Not the usual shape: the JSON tree tells what is wrong.
            None => {
                let json: Json =
                    serde_json::from_slice(&text).map_err(|e| StateError::Invalid { path: path.into(), message: e.to_string() })?;
                State::from_json(&json).map(Some).map_err(err)
            }
        }
    }

    /// Reads a well-formed state file straight into values, without a JSON tree of the whole
    /// file; `None` when anything is off (then [`State::from_json`] says what).
    fn from_slice(bytes: &[u8]) -> Option<State> {
        #[derive(serde::Deserialize)]
        struct FileIn {
            version: u64,
            serial: u64,
            lineage: String,
            #[serde(default)]
            outputs: BTreeMap<String, OutputIn>,
            resources: Vec<ResourceIn>,
        }
        #[derive(serde::Deserialize)]
        struct OutputIn {
            #[serde(default)]
            value: Value,
            #[serde(default)]
            sensitive: Option<bool>,
        }
        #[derive(serde::Deserialize)]
        struct ResourceIn {
            #[serde(default)]
            module: Option<String>,
            mode: String,
            #[serde(rename = "type", deserialize_with = "note_type")]
            ty: String,
            name: String,
            provider: String,
            instances: Vec<InstanceIn>,
        }
        #[derive(serde::Deserialize)]
        struct InstanceIn {
            #[serde(default)]
            index_key: Json,
            #[serde(deserialize_with = "shared_attributes")]
            attributes: Value,
            #[serde(default)]
            dependencies: Option<Vec<String>>,
            #[serde(default)]
            create_before_destroy: Option<bool>,
        }
        let file: FileIn = serde_json::from_slice(bytes).ok()?;
        if file.version != STATE_VERSION {
            return None;
        }
        let mut st = State { serial: file.serial, lineage: file.lineage, outputs: BTreeMap::new(), instances: BTreeMap::new() };
        for (k, o) in file.outputs {
            st.outputs.insert(k, OutputState { value: o.value, sensitive: o.sensitive.unwrap_or(false) });
        }
        for r in file.resources {
            let module = r.module.unwrap_or_default();
            for inst in r.instances {
                let is = InstanceState {
                    module: module.clone(),
                    mode: r.mode.clone(),
                    ty: r.ty.clone(),
                    name: r.name.clone(),
                    index_key: inst.index_key,
                    provider: r.provider.clone(),
                    attributes: inst.attributes,
                    dependencies: inst.dependencies.unwrap_or_default(),
                    create_before_destroy: inst.create_before_destroy.unwrap_or(false),
                };
                st.instances.insert(is.address(), is);
            }
        }
        Some(st)
    }

    /// Writes the state atomically, keeping the previous file as `<path>.backup`.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let tmp = self.save_temp(path)?;
        State::install(&tmp, path)
    }

    /// The first half of [`State::save`]: the new state in a temporary file beside `path`.
    pub fn save_temp(&self, path: &Path) -> Result<PathBuf, StateError> {
        // Serialized straight from the values: no JSON tree of the whole state in between.
        write_temp(path, |w| {
            // Terraform's layout down to each instance; its attributes on one line.
            let mut ser = serde_json::Serializer::with_formatter(&mut *w, plcli_lang::OuterIndent::new(5));
            serde::Serialize::serialize(&StateFile(self), &mut ser).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        })
        .map_err(|e| StateError::Write { path: path.into(), message: e.to_string() })
    }

    /// The second half of [`State::save`]: keeps the previous file as `<path>.backup` and
    /// renames the temporary file over `path`.
    pub fn install(tmp: &Path, path: &Path) -> Result<(), StateError> {
        let werr = |e: std::io::Error| StateError::Write { path: path.into(), message: e.to_string() };
        if path.exists() {
            // The backup is the previous file itself: a hard link (no copy of a large state),
            // put in place by rename so that an old backup is replaced atomically; the new
            // state then replaces `path` by rename too, leaving the linked inode as it was.
            let backup = PathBuf::from(format!("{}.backup", path.display()));
            let linked = PathBuf::from(format!("{}.backup.{}.tmp", path.display(), std::process::id()));
            let _ = std::fs::remove_file(&linked);
            match std::fs::hard_link(path, &linked) {
                Ok(()) => std::fs::rename(&linked, &backup).map_err(werr)?,
                Err(_) => {
                    std::fs::copy(path, &backup).map_err(werr)?;
                }
            }
        }
        install(tmp, path).map_err(werr)
    }

    /// Terraform's state v4 layout.
    pub fn to_json(&self) -> Json {
        serde_json::to_value(StateFile(self)).unwrap_or(Json::Null)
    }

    fn from_json(j: &Json) -> Result<State, Err1> {
        let o = j.as_object().ok_or_else(|| Err1::Invalid("the top level is not an object".into()))?;
        let version = o.get("version").and_then(Json::as_u64).ok_or_else(|| Err1::Invalid("\"version\" is missing".into()))?;
        if version != STATE_VERSION {
            return Err(Err1::Version(version));
        }
        let serial = o.get("serial").and_then(Json::as_u64).ok_or_else(|| Err1::Invalid("\"serial\" is missing".into()))?;
        let lineage = o.get("lineage").and_then(Json::as_str).ok_or_else(|| Err1::Invalid("\"lineage\" is missing".into()))?.to_string();
        let mut st = State { serial, lineage, outputs: BTreeMap::new(), instances: BTreeMap::new() };
        if let Some(outs) = o.get("outputs").and_then(Json::as_object) {
            for (k, v) in outs {
                st.outputs.insert(
                    k.clone(),
                    OutputState {
                        value: Value::from_json(v.get("value").unwrap_or(&Json::Null)),
                        sensitive: v.get("sensitive").and_then(Json::as_bool).unwrap_or(false),
                    },
                );
            }
        }
        let resources = o.get("resources").and_then(Json::as_array).ok_or_else(|| Err1::Invalid("\"resources\" is missing".into()))?;
        for (i, r) in resources.iter().enumerate() {
            let field = |k: &str| {
                r.get(k).and_then(Json::as_str).map(str::to_string).ok_or_else(|| Err1::Invalid(format!("resources[{i}] has no \"{k}\"")))
            };
            let (mode, ty, name, provider) = (field("mode")?, field("type")?, field("name")?, field("provider")?);
            let module = r.get("module").and_then(Json::as_str).unwrap_or("").to_string();
            let insts =
                r.get("instances").and_then(Json::as_array).ok_or_else(|| Err1::Invalid(format!("resources[{i}] has no \"instances\"")))?;
            for inst in insts {
                let attributes =
                    inst.get("attributes").ok_or_else(|| Err1::Invalid(format!("an instance of resources[{i}] has no \"attributes\"")))?;
                let is = InstanceState {
                    module: module.clone(),
                    mode: mode.clone(),
                    ty: ty.clone(),
                    name: name.clone(),
                    index_key: inst.get("index_key").cloned().unwrap_or(Json::Null),
                    provider: provider.clone(),
                    attributes: Value::from_json(attributes),
                    dependencies: inst
                        .get("dependencies")
                        .and_then(Json::as_array)
                        .map(|a| a.iter().filter_map(|d| d.as_str().map(str::to_string)).collect())
                        .unwrap_or_default(),
                    create_before_destroy: inst.get("create_before_destroy").and_then(Json::as_bool).unwrap_or(false),
                };
                st.instances.insert(is.address(), is);
            }
        }
        Ok(st)
    }
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

enum Err1 {
    Version(u64),
    Invalid(String),
}

/// The state file: Terraform's v4 layout, serialized from the state as it is.
struct StateFile<'a>(&'a State);

impl Serialize for StateFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let st = self.0;
        // Instances grouped by resource, as Terraform writes them: sorted by resource, each
        // resource's in address order (a stable sort of input that is in address order, which
        // is nearly the resources' order already: close to one comparison per instance).
        let mut groups: Groups =
            st.instances.values().map(|i| ((i.module.as_str(), i.mode.as_str(), i.ty.as_str(), i.name.as_str()), i)).collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("version", &STATE_VERSION)?;
        m.serialize_entry("terraform_version", "1.11.4")?;
        m.serialize_entry("plcli_version", env!("CARGO_PKG_VERSION"))?;
        m.serialize_entry("serial", &st.serial)?;
        m.serialize_entry("lineage", &st.lineage)?;
        m.serialize_entry("outputs", &OutputsFile(&st.outputs))?;
        m.serialize_entry("resources", &ResourcesFile(&groups))?;
        m.serialize_entry("check_results", &())?;
        m.end()
    }
}

struct OutputsFile<'a>(&'a BTreeMap<String, OutputState>);

impl Serialize for OutputsFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, o) in self.0 {
            m.serialize_entry(k, &json!({"value": o.value.to_json(), "type": type_json(&o.value), "sensitive": o.sensitive}))?;
        }
        m.end()
    }
}

/// An instance with its resource's (module, mode, type, name).
type Grouped<'a> = ((&'a str, &'a str, &'a str, &'a str), &'a InstanceState);

/// Every instance, grouped, sorted by resource.
type Groups<'a> = Vec<Grouped<'a>>;

struct ResourcesFile<'a>(&'a Groups<'a>);

impl Serialize for ResourcesFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.chunk_by(|a, b| a.0 == b.0).map(ResourceFile))
    }
}

/// One resource: a run of [`Groups`] with the same resource (never empty).
struct ResourceFile<'a>(&'a [Grouped<'a>]);

impl Serialize for ResourceFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ((module, mode, ty, name), first) = self.0[0];
        let mut m = s.serialize_map(None)?;
        if !module.is_empty() {
            m.serialize_entry("module", module)?;
        }
        m.serialize_entry("mode", mode)?;
        m.serialize_entry("type", ty)?;
        m.serialize_entry("name", name)?;
        m.serialize_entry("provider", &first.provider)?;
        m.serialize_entry("instances", &InstancesFile(self.0))?;
        m.end()
    }
}

struct InstancesFile<'a>(&'a [Grouped<'a>]);

impl Serialize for InstancesFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(_, i)| InstanceFile(i)))
    }
}

struct InstanceFile<'a>(&'a InstanceState);

impl Serialize for InstanceFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("schema_version", &0)?;
        m.serialize_entry("attributes", &i.attributes)?;
        m.serialize_entry("sensitive_attributes", &[(); 0])?;
        if !i.index_key.is_null() {
            m.serialize_entry("index_key", &i.index_key)?;
        }
        if !i.dependencies.is_empty() {
            m.serialize_entry("dependencies", &i.dependencies)?;
        }
        if i.create_before_destroy {
            m.serialize_entry("create_before_destroy", &true)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plcli.state.json");
        let mut st = State::new();
        st.instances.insert(
            "module.c[\"a\"].aws_vpc.main[0]".into(),
            InstanceState {
                module: "module.c[\"a\"]".into(),
                mode: "managed".into(),
                ty: "aws_vpc".into(),
                name: "main".into(),
                index_key: json!(0),
                provider: "provider[\"registry.terraform.io/hashicorp/aws\"]".into(),
                attributes: Value::Object([("id".to_string(), Value::string("vpc-1"))].into_iter().collect()),
                dependencies: vec![],
                create_before_destroy: false,
            },
        );
        st.save(&p).unwrap();
        let back = State::load(&p).unwrap().unwrap();
        assert_eq!(back.instances.keys().collect::<Vec<_>>(), vec!["module.c[\"a\"].aws_vpc.main[0]"]);
        st.serial = 1;
        st.save(&p).unwrap();
        assert!(dir.path().join("plcli.state.json.backup").exists());
    }

    #[test]
    fn loading_shares_equal_attributes_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plcli.state.json");
        let attrs = |id: &str, cidr: &str| {
            Value::Object([("id".to_string(), Value::string(id)), ("cidr_block".to_string(), Value::string(cidr))].into_iter().collect())
        };
        let mut st = State::new();
        for (name, id) in [("a", "vpc-1"), ("b", "vpc-2")] {
            st.instances.insert(
                format!("aws_vpc.{name}"),
                InstanceState {
                    module: String::new(),
                    mode: "managed".into(),
                    ty: "aws_vpc".into(),
                    name: name.into(),
                    index_key: Json::Null,
                    provider: "provider[\"registry.terraform.io/hashicorp/aws\"]".into(),
                    attributes: attrs(id, "10.0.0.0/16"),
                    dependencies: vec![],
                    create_before_destroy: false,
                },
            );
        }
        st.save(&p).unwrap();
        // The "world": vpc-1 as in the state, vpc-2 changed since.
        let (same, changed) = (attrs("vpc-1", "10.0.0.0/16"), attrs("vpc-2", "10.9.0.0/16"));
        let world = [("vpc-1", same.clone()), ("vpc-2", changed)];
        let share: Share = Box::new(move |ty, read| {
            assert_eq!(ty, "aws_vpc");
            let id = read.get_attr("id")?.as_str()?.to_string();
            world.iter().find(|(i, _)| *i == id).map(|(_, v)| v.clone())
        });
        let back = State::load_sharing(&p, Some(share)).unwrap().unwrap();
        let map = |v: &Value| match v {
            Value::Object(m) => m.clone(),
            _ => panic!("not an object"),
        };
        let (Value::Object(same_map), a) = (&same, &back.instances["aws_vpc.a"].attributes) else { panic!() };
        assert!(plcli_lang::ValueMap::ptr_eq(same_map, &map(a)), "equal attributes are shared");
        assert_eq!(back.instances["aws_vpc.b"].attributes, attrs("vpc-2", "10.0.0.0/16"), "changed ones are the state's own");
        // Nothing is left behind for the next load on this thread.
        let plain = State::load(&p).unwrap().unwrap();
        assert!(!plcli_lang::ValueMap::ptr_eq(same_map, &map(&plain.instances["aws_vpc.a"].attributes)));
    }

    #[test]
    fn instance_keys_strip_even_with_brackets_in_keys() {
        assert_eq!(strip_instance_keys("module.a[\"x]\"].aws_vpc.b[0]"), "module.a.aws_vpc.b");
        assert_eq!(strip_instance_keys("aws_vpc.b"), "aws_vpc.b");
    }

    #[test]
    fn bad_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        std::fs::write(&p, "{\"version\": 4, \"serial\"").unwrap();
        assert!(matches!(State::load(&p), Err(StateError::Invalid { .. })));
        std::fs::write(&p, "{\"version\": 3, \"serial\": 1, \"lineage\": \"x\", \"resources\": []}").unwrap();
        assert!(matches!(State::load(&p), Err(StateError::Version { version: 3, .. })));
    }
}

/// What [`State::load_sharing`] asks for an instance's shared attributes: given the resource
/// type and the attributes read, an equal value to keep instead (or none).
pub type Share = Box<dyn Fn(&str, &Value) -> Option<Value>>;

thread_local! {
    /// The sharing function of the `load_sharing` running on this thread, and the type of the
    /// resource whose instances are being read (Terraform and plcli write `type` before
    /// `instances`; in a file that does not, an instance is matched against the previous
    /// resource's type, and only an equal value is ever kept, so no value changes).
    static SHARING: std::cell::RefCell<(Option<Share>, String)> = const { std::cell::RefCell::new((None, String::new())) };
}

/// Sets the thread's sharing function for one load, and clears it however the load ends.
struct SharingGuard;

impl SharingGuard {
    fn set(share: Option<Share>) -> SharingGuard {
        SHARING.with(|s| *s.borrow_mut() = (share, String::new()));
        SharingGuard
    }
}

impl Drop for SharingGuard {
    fn drop(&mut self) {
        SHARING.with(|s| *s.borrow_mut() = (None, String::new()));
    }
}

fn note_type<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let ty: String = serde::Deserialize::deserialize(d)?;
    SHARING.with(|s| {
        let mut s = s.borrow_mut();
        if s.0.is_some() {
            s.1.clone_from(&ty);
        }
    });
    Ok(ty)
}

fn shared_attributes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    let read: Value = serde::Deserialize::deserialize(d)?;
    Ok(SHARING.with(|s| {
        let s = s.borrow();
        match &s.0 {
            Some(share) if !s.1.is_empty() => match share(&s.1, &read) {
                Some(shared) if shared == read => shared,
                _ => read,
            },
            _ => read,
        }
    }))
}
