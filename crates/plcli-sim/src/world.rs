//! The world's data and its JSON form.

use std::collections::{BTreeMap, BTreeSet};

// Keys here are short strings and tuples hashed many times per resource: Fx hashing, not
// SipHash (no untrusted input picks them to collide).
use rustc_hash::FxHashMap as HashMap;

use plcli_lang::Value;
use serde_json::{json, Value as Json};

use crate::ids::IdGen;

/// Version of the world file format.
pub const WORLD_VERSION: u64 = 1;

/// The seed of a fresh world: the same commands on a fresh world give the same IDs.
pub const DEFAULT_SEED: &str = "plcli";

/// An AWS-shaped API failure: `Code: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> ApiError {
        ApiError { code: code.to_string(), message: message.into() }
    }
}

/// A world file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    #[error("the world file is not valid: {0}")]
    Invalid(String),
    #[error("the world file has format version {0}, this plcli reads version {WORLD_VERSION}")]
    Version(u64),
}

/// One cloud object.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The Terraform type that manages it (`aws_vpc`), or an internal kind for objects AWS
    /// creates on its own (`aws_network_interface` for endpoint ENIs).
    pub ty: String,
    pub account: String,
    pub region: String,
    /// What a describe call returns, in the provider's attribute names.
    pub attrs: Value,
    /// World-only bookkeeping (IP allocation, connection states) never shown as attributes.
    pub internal: BTreeMap<String, Value>,
}

/// A connection notification event (SPEC §8 `events`).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub sequence: u64,
    pub event_type: String,
    pub service_id: String,
    /// The account that owns the service (it sees the event even after the service is gone).
    pub service_owner: String,
    pub vpc_endpoint_id: String,
    pub vpc_endpoint_owner: String,
    pub principal: String,
    pub topics: Vec<String>,
}

/// Attributes through which objects refer to each other; indexed so that "the subnets of this
/// VPC" is a lookup, not a scan.
pub(crate) const REFERENCE_ATTRS: &[&str] = &[
    "vpc_id",
    "subnet_id",
    "subnet_ids",
    "vpc_endpoint_service_id",
    "vpc_endpoint_id",
    "load_balancer_arn",
    "target_group_arn",
    "zone_id",
    "security_group_id",
    "security_group_ids",
    "vpc_security_group_ids",
    "network_load_balancer_arns",
    "service_name",
    "target_id",
    "name",
    "private_dns_name",
    "principal_arn",
];

/// The reference index: per attribute (by its position in [`REFERENCE_ATTRS`]), value → the
/// objects that hold it, by type. Most values have a single referrer (a subnet's VPC, a name),
/// kept inline: nested maps for those cost about a kilobyte each.
type RefIndex = Vec<HashMap<String, Refs>>;

#[derive(Debug, Clone, PartialEq)]
enum Refs {
    /// One object: its type and ID.
    One(String, String),
    /// Type → IDs.
    Many(BTreeMap<String, BTreeSet<String>>),
}

impl Refs {
    fn insert(&mut self, ty: &str, id: &str) {
        match self {
            Refs::One(t, i) if t == ty && i == id => {}
            Refs::One(t, i) => {
                let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
                m.entry(std::mem::take(t)).or_default().insert(std::mem::take(i));
                m.entry(ty.to_string()).or_default().insert(id.to_string());
                *self = Refs::Many(m);
            }
            Refs::Many(m) => match m.get_mut(ty) {
                Some(ids) => {
                    ids.insert(id.to_string());
                }
                None => {
                    m.insert(ty.to_string(), BTreeSet::from([id.to_string()]));
                }
            },
        }
    }

    /// Removes a referrer; true when none is left.
    fn remove(&mut self, ty: &str, id: &str) -> bool {
        match self {
            Refs::One(t, i) => t == ty && i == id,
            Refs::Many(m) => {
                if let Some(ids) = m.get_mut(ty) {
                    ids.remove(id);
                    if ids.is_empty() {
                        m.remove(ty);
                    }
                }
                m.is_empty()
            }
        }
    }

    /// The IDs of type `ty` (all types when `None`), each type's in ID order.
    fn ids<'a>(&'a self, ty: Option<&'a str>) -> impl Iterator<Item = &'a String> + 'a {
        let (one, many) = match self {
            Refs::One(t, i) => (ty.is_none_or(|want| want == t).then_some(i), None),
            Refs::Many(m) => (None, Some(m)),
        };
        let many =
            many.into_iter().flat_map(move |m| m.iter().filter(move |(t, _)| ty.is_none_or(|want| want == *t)).flat_map(|(_, ids)| ids));
        one.into_iter().chain(many)
    }

    fn count(&self, ty: Option<&str>) -> usize {
        match self {
            Refs::One(t, _) => usize::from(ty.is_none_or(|want| want == t)),
            Refs::Many(m) => match ty {
                Some(t) => m.get(t).map_or(0, BTreeSet::len),
                None => m.values().map(BTreeSet::len).sum(),
            },
        }
    }
}

/// The position of `name` in [`REFERENCE_ATTRS`] (a hash lookup: this runs for every
/// attribute of every object put).
fn attr_position(name: &str) -> Option<usize> {
    static POSITIONS: std::sync::LazyLock<HashMap<&'static str, usize>> =
        std::sync::LazyLock::new(|| REFERENCE_ATTRS.iter().enumerate().map(|(i, a)| (*a, i)).collect());
    POSITIONS.get(name).copied()
}

/// The simulated region(s): every account's objects by cloud ID.
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub ids: IdGen,
    /// Per account: AZ name → AZ ID, recorded the first time the account is used.
    pub az_maps: BTreeMap<String, BTreeMap<String, String>>,
    pub objects: BTreeMap<String, Object>,
    pub events: Vec<Event>,
    /// Attribute → value → type → IDs of the objects of that type whose attribute holds that
    /// value: "the allowed principals of this service" is one lookup, however many other
    /// objects refer to the service.
    index: RefIndex,
    /// Objects put or removed since the last [`World::take_touched`] (for the journal).
    touched: BTreeSet<String>,
}

impl Default for World {
    fn default() -> World {
        World::new()
    }
}

/// The reference attributes an object holds, as (position in [`REFERENCE_ATTRS`], value), in
/// attribute order: one pass over its attributes.
fn ref_entries(attrs: &Value) -> Vec<(usize, &str)> {
    // Both sorted by name: one merging pass, no lookup per attribute.
    static SORTED: std::sync::LazyLock<Vec<(&'static str, usize)>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<(&'static str, usize)> = REFERENCE_ATTRS.iter().enumerate().map(|(i, a)| (*a, i)).collect();
        v.sort();
        v
    });
    let mut out = Vec::new();
    let Some(m) = attrs.as_map() else { return out };
    let mut names = SORTED.iter().peekable();
    for (k, v) in m {
        while names.next_if(|(name, _)| plcli_lang::bytes_cmp(name.as_bytes(), k.as_bytes()).is_lt()).is_some() {}
        let Some(&(_, pos)) = names.next_if(|(name, _)| *name == k.as_str()) else {
            if names.peek().is_none() {
                break;
            }
            continue;
        };
        match v {
            Value::String(s) => out.push((pos, s.as_str())),
            v => out.extend(v.as_seq().into_iter().flatten().filter_map(Value::as_str).map(|s| (pos, s))),
        }
    }
    out
}

fn index_entries(index: &mut RefIndex, ty: &str, id: &str, entries: &[(usize, &str)]) {
    for &(pos, v) in entries {
        match index[pos].get_mut(v) {
            Some(r) => r.insert(ty, id),
            None => {
                index[pos].insert(v.to_string(), Refs::One(ty.to_string(), id.to_string()));
            }
        }
    }
}

fn unindex_entries(index: &mut RefIndex, ty: &str, id: &str, entries: &[(usize, &str)]) {
    for &(pos, v) in entries {
        if index[pos].get_mut(v).is_some_and(|r| r.remove(ty, id)) {
            index[pos].remove(v);
        }
    }
}

impl World {
    pub fn new() -> World {
        World {
            ids: IdGen { seed: DEFAULT_SEED.into(), counter: 0 },
            az_maps: BTreeMap::new(),
            objects: BTreeMap::new(),
            events: Vec::new(),
            index: vec![HashMap::default(); REFERENCE_ATTRS.len()],
            touched: BTreeSet::new(),
        }
    }

    /// Inserts or replaces an object, keeping the reference index current (untouched when the
    /// object's references did not change, as when only its state did).
    pub fn put(&mut self, id: &str, obj: Object) {
        self.touched.insert(id.to_string());
        let new = ref_entries(&obj.attrs);
        match self.objects.entry(id.to_string()) {
            std::collections::btree_map::Entry::Occupied(mut slot) => {
                let old = slot.get();
                let before = ref_entries(&old.attrs);
                if old.ty != obj.ty || before != new {
                    unindex_entries(&mut self.index, &old.ty, id, &before);
                    index_entries(&mut self.index, &obj.ty, id, &new);
                }
                slot.insert(obj);
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                index_entries(&mut self.index, &obj.ty, id, &new);
                slot.insert(obj);
            }
        }
    }

    /// An object to change in place, recorded as touched (for its journal record).
    pub(crate) fn object_mut(&mut self, id: &str) -> Option<&mut Object> {
        let obj = self.objects.get_mut(id)?;
        self.touched.insert(id.to_string());
        Some(obj)
    }

    /// Removes an object.
    pub fn remove(&mut self, id: &str) -> Option<Object> {
        self.touched.insert(id.to_string());
        let old = self.objects.remove(id)?;
        unindex_entries(&mut self.index, &old.ty, id, &ref_entries(&old.attrs));
        Some(old)
    }

    fn refs(&self, attr: &str, value: &str) -> Option<&Refs> {
        attr_position(attr).and_then(|pos| self.index[pos].get(value))
    }

    /// IDs of the objects whose `attr` is (or contains) `value`, of type `ty` when given, in
    /// ID order.
    pub fn referencing(&self, attr: &str, value: &str, ty: Option<&str>) -> Vec<String> {
        let Some(refs) = self.refs(attr, value) else { return Vec::new() };
        let mut ids: Vec<String> = refs.ids(ty).cloned().collect();
        if ty.is_none() {
            ids.sort();
        }
        ids
    }

    /// How many objects [`World::referencing`] would return, without listing them.
    pub fn count_referencing(&self, attr: &str, value: &str, ty: Option<&str>) -> usize {
        self.refs(attr, value).map_or(0, |r| r.count(ty))
    }

    /// The IDs [`World::referencing`] would return for a type, borrowed.
    pub fn referencing_iter<'a>(&'a self, attr: &str, value: &str, ty: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.refs(attr, value).into_iter().flat_map(move |r| r.ids(Some(ty)))
    }

    pub fn get(&self, id: &str) -> Option<&Object> {
        self.objects.get(id)
    }

    /// The IDs of objects changed since the last call (each object's journal record).
    pub fn take_touched(&mut self) -> BTreeSet<String> {
        std::mem::take(&mut self.touched)
    }

    /// One object in its world-file form, for serializing (`None` when it is gone).
    pub fn object_file(&self, id: &str) -> Option<impl serde::Serialize + '_> {
        self.objects.get(id).map(ObjectFile)
    }

    /// Applies one object record from a journal (idempotent: replaying twice is harmless).
    pub fn apply_object_json(&mut self, id: &str, j: &Json) -> Result<(), WorldError> {
        if j.is_null() {
            self.remove(id);
            return Ok(());
        }
        let field = |name: &str| {
            j.get(name)
                .and_then(Json::as_str)
                .map(str::to_string)
                .ok_or_else(|| WorldError::Invalid(format!("object {id} has no \"{name}\"")))
        };
        let attrs = Value::from_json(j.get("attributes").unwrap_or(&Json::Null));
        let internal = j
            .get("internal")
            .and_then(Json::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            .unwrap_or_default();
        self.put(id, Object { ty: field("type")?, account: field("account")?, region: field("region")?, attrs, internal });
        Ok(())
    }

    /// Counter, AZ maps and the events from index `events_from` on, as JSON: what a journal
    /// record needs besides the touched objects (small, whatever the world's size).
    pub fn meta_since(&self, events_from: usize) -> Json {
        // Only the new events: one journal record per operation must not cost the whole log.
        let mut j = self.to_json_parts(false, events_from);
        if let Some(o) = j.as_object_mut() {
            o.remove("objects");
            o.insert("events_from".into(), json!(events_from));
        }
        j
    }

    /// Restores what [`World::meta_since`] recorded.
    pub fn apply_meta_json(&mut self, j: &Json) -> Result<(), WorldError> {
        let from = j.get("events_from").and_then(Json::as_u64).unwrap_or(0) as usize;
        let mut tmp = j.clone();
        tmp["objects"] = json!({});
        let w = World::from_json(&tmp)?;
        self.ids = w.ids;
        self.az_maps = w.az_maps;
        self.events.truncate(from);
        self.events.extend(w.events);
        Ok(())
    }

    /// The world as JSON (the world file).
    pub fn to_json(&self) -> Json {
        self.to_json_parts(true, 0)
    }

    fn to_json_parts(&self, with_objects: bool, events_from: usize) -> Json {
        let objects: serde_json::Map<String, Json> = if !with_objects {
            serde_json::Map::new()
        } else {
            self.objects.iter().map(|(id, o)| (id.clone(), serde_json::to_value(ObjectFile(o)).unwrap_or(Json::Null))).collect()
        };
        json!({
            "version": WORLD_VERSION,
            "plcli_version": env!("CARGO_PKG_VERSION"),
            "seed": self.ids.seed,
            "counter": self.ids.counter,
            "accounts": self.az_maps.iter().map(|(a, m)| (a.clone(), json!({"az_ids": m}))).collect::<serde_json::Map<_, _>>(),
            "objects": objects,
            "events": self.events.iter().skip(events_from).map(|e| serde_json::to_value(EventFile(e)).unwrap_or(Json::Null)).collect::<Vec<_>>(),
        })
    }

    /// The world file, streamed to `w`: [`World::to_json`]'s content, serialized from the
    /// objects as they are rather than through a JSON tree of the whole world. The outer two
    /// levels are indented; each object and each event is one line (a world of 10,000
    /// consumers is a third smaller and written in half the time than indented throughout,
    /// and a `grep` for an ID shows the whole object).
    pub fn write_json_pretty(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        use serde::Serialize as _;
        let mut ser = serde_json::Serializer::with_formatter(w, plcli_lang::OuterIndent::new(2));
        WorldFile(self).serialize(&mut ser).map_err(std::io::Error::other)
    }

    /// Reads a world file. The objects (nearly all of it) are read straight into values, not
    /// through a JSON tree of the whole file; the rest goes through [`World::from_json`].
    pub fn from_slice(bytes: &[u8]) -> Result<World, WorldError> {
        #[derive(serde::Deserialize)]
        struct FileIn {
            version: Option<Json>,
            seed: Option<Json>,
            counter: Option<Json>,
            accounts: Option<Json>,
            events: Option<Json>,
            objects: Option<BTreeMap<String, ObjectIn>>,
        }
        #[derive(serde::Deserialize)]
        struct ObjectIn {
            #[serde(rename = "type")]
            ty: Option<String>,
            account: Option<String>,
            region: Option<String>,
            attributes: Option<Value>,
            #[serde(default)]
            internal: BTreeMap<String, Value>,
        }
        let file: FileIn = serde_json::from_slice(bytes).map_err(|e| WorldError::Invalid(e.to_string()))?;
        let objects = file.objects.ok_or_else(|| WorldError::Invalid("\"objects\" is missing".into()))?;
        let mut head = serde_json::Map::new();
        for (k, v) in [
            ("version", file.version),
            ("seed", file.seed),
            ("counter", file.counter),
            ("accounts", file.accounts),
            ("events", file.events),
        ] {
            if let Some(v) = v {
                head.insert(k.into(), v);
            }
        }
        head.insert("objects".into(), json!({}));
        let mut w = World::from_json(&Json::Object(head))?;
        for (id, o) in objects {
            let missing = |name: &str| WorldError::Invalid(format!("object {id} has no \"{name}\""));
            let ty = o.ty.ok_or_else(|| missing("type"))?;
            let account = o.account.ok_or_else(|| missing("account"))?;
            let region = o.region.ok_or_else(|| missing("region"))?;
            let attrs = o.attributes.ok_or_else(|| WorldError::Invalid(format!("object {id} has no attributes")))?;
            w.put(&id, Object { ty, account, region, attrs, internal: o.internal });
        }
        Ok(w)
    }

    /// Reads a world from its JSON form.
    pub fn from_json(j: &Json) -> Result<World, WorldError> {
        let obj = j.as_object().ok_or_else(|| WorldError::Invalid("the top level is not an object".into()))?;
        let version = obj.get("version").and_then(Json::as_u64).ok_or_else(|| WorldError::Invalid("\"version\" is missing".into()))?;
        if version != WORLD_VERSION {
            return Err(WorldError::Version(version));
        }
        let seed = obj.get("seed").and_then(Json::as_str).ok_or_else(|| WorldError::Invalid("\"seed\" is missing".into()))?;
        let counter = obj.get("counter").and_then(Json::as_u64).ok_or_else(|| WorldError::Invalid("\"counter\" is missing".into()))?;
        let mut w = World { ids: IdGen { seed: seed.to_string(), counter }, ..World::new() };
        if let Some(accts) = obj.get("accounts").and_then(Json::as_object) {
            for (a, v) in accts {
                let m =
                    v.get("az_ids").and_then(Json::as_object).ok_or_else(|| WorldError::Invalid(format!("account {a} has no az_ids")))?;
                w.az_maps.insert(a.clone(), m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect());
            }
        }
        let objects = obj.get("objects").and_then(Json::as_object).ok_or_else(|| WorldError::Invalid("\"objects\" is missing".into()))?;
        for (id, o) in objects {
            let field = |name: &str| {
                o.get(name)
                    .and_then(Json::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| WorldError::Invalid(format!("object {id} has no \"{name}\"")))
            };
            let attrs = Value::from_json(o.get("attributes").ok_or_else(|| WorldError::Invalid(format!("object {id} has no attributes")))?);
            let internal = o
                .get("internal")
                .and_then(Json::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
                .unwrap_or_default();
            w.put(id, Object { ty: field("type")?, account: field("account")?, region: field("region")?, attrs, internal });
        }
        if let Some(events) = obj.get("events").and_then(Json::as_array) {
            for e in events {
                let s = |k: &str| e.get(k).and_then(Json::as_str).unwrap_or_default().to_string();
                w.events.push(Event {
                    sequence: e.get("Sequence").and_then(Json::as_u64).unwrap_or_default(),
                    event_type: s("EventType"),
                    service_id: s("ServiceId"),
                    service_owner: s("ServiceOwner"),
                    vpc_endpoint_id: s("VpcEndpointId"),
                    vpc_endpoint_owner: s("VpcEndpointOwner"),
                    principal: s("Principal"),
                    topics: e
                        .get("Topics")
                        .and_then(Json::as_array)
                        .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect())
                        .unwrap_or_default(),
                });
            }
        }
        Ok(w)
    }
}

/// One object in its world-file form.
struct ObjectFile<'a>(&'a Object);

impl serde::Serialize for ObjectFile<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let o = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", &o.ty)?;
        m.serialize_entry("account", &o.account)?;
        m.serialize_entry("region", &o.region)?;
        m.serialize_entry("attributes", &o.attrs)?;
        if !o.internal.is_empty() {
            m.serialize_entry("internal", &o.internal)?;
        }
        m.end()
    }
}

/// The world file: the small parts as [`World::to_json`] lays them out, the objects streamed.
struct WorldFile<'a>(&'a World);

/// An event as the world file has it (one writer for `to_json` and the streamed file).
struct EventFile<'a>(&'a Event);

impl serde::Serialize for EventFile<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let e = self.0;
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("Sequence", &e.sequence)?;
        m.serialize_entry("EventType", &e.event_type)?;
        m.serialize_entry("ServiceId", &e.service_id)?;
        m.serialize_entry("ServiceOwner", &e.service_owner)?;
        m.serialize_entry("VpcEndpointId", &e.vpc_endpoint_id)?;
        m.serialize_entry("VpcEndpointOwner", &e.vpc_endpoint_owner)?;
        m.serialize_entry("Principal", &e.principal)?;
        m.serialize_entry("Topics", &e.topics)?;
        m.end()
    }
}

impl serde::Serialize for WorldFile<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Objects<'a>(&'a BTreeMap<String, Object>);
        impl serde::Serialize for Objects<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(id, o)| (id, ObjectFile(o))))
            }
        }
        /// The events as [`World::to_json`] has them, serialized from the events as they are.
        struct Events<'a>(&'a [Event]);
        impl serde::Serialize for Events<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(EventFile))
            }
        }
        // The small parts through JSON; objects and events (nearly all of it) straight.
        let meta = self.0.to_json_parts(false, self.0.events.len());
        let Json::Object(meta) = meta else { return s.serialize_unit() };
        let mut m = s.serialize_map(Some(meta.len()))?;
        for (k, v) in &meta {
            match k.as_str() {
                "objects" => m.serialize_entry(k, &Objects(&self.0.objects))?,
                "events" => m.serialize_entry(k, &Events(&self.0.events))?,
                _ => m.serialize_entry(k, v)?,
            }
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_entries_are_every_reference_attribute_in_attribute_order() {
        let mut names: Vec<&str> = REFERENCE_ATTRS.to_vec();
        names.extend(["arn", "a", "vpc_id_x", "zzz", "subnet", "name_prefix", "id"]);
        let attrs: plcli_lang::Entries<plcli_lang::Key, Value> = names
            .iter()
            .map(|n| (plcli_lang::Key::from(*n), if n.ends_with('s') { Value::List(vec![Value::string(*n)]) } else { Value::string(*n) }))
            .collect();
        let attrs = Value::Object(attrs.into());
        let want: Vec<(usize, &str)> = attrs
            .as_map()
            .unwrap()
            .iter()
            .filter_map(|(k, v)| Some((attr_position(k)?, v)))
            .flat_map(|(pos, v)| match v {
                Value::String(s) => vec![(pos, s.as_str())],
                v => v.as_seq().into_iter().flatten().filter_map(Value::as_str).map(|s| (pos, s)).collect(),
            })
            .collect();
        assert_eq!(want.len(), REFERENCE_ATTRS.len());
        assert_eq!(ref_entries(&attrs), want);
    }

    fn object(ty: &str, attrs: &[(&str, Value)]) -> Object {
        Object {
            ty: ty.into(),
            account: "111111111111".into(),
            region: "us-east-1".into(),
            attrs: Value::Object(attrs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()),
            internal: BTreeMap::new(),
        }
    }

    #[test]
    fn the_world_file_has_one_line_per_object_and_reads_back_the_same() {
        let mut w = World::new();
        w.register_azs("111111111111", &[("us-east-1a".to_string(), "use1-az1".to_string())].into_iter().collect()).unwrap();
        w.put("vpc-1", object("aws_vpc", &[("id", Value::string("vpc-1")), ("cidr_block", Value::string("10.0.0.0/16"))]));
        w.put(
            "subnet-1",
            object(
                "aws_subnet",
                &[("id", Value::string("subnet-1")), ("vpc_id", Value::string("vpc-1")), ("note", Value::string("a \"quoted\"\nline"))],
            ),
        );
        let mut bytes = Vec::new();
        w.write_json_pretty(&mut bytes).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "{");
        assert!(lines.contains(&"  \"objects\": {"), "{text}");
        // In ID order, each on its own line.
        assert!(lines.iter().any(|l| l.starts_with("    \"subnet-1\": {\"type\":\"aws_subnet\"") && l.ends_with("},")), "{text}");
        let vpc = lines.iter().find(|l| l.starts_with("    \"vpc-1\": ")).expect("one line per object");
        assert!(vpc.ends_with("}}"), "{vpc}");
        assert_eq!(*lines.last().unwrap(), "}");
        // The same world, and the same JSON as the fully indented layout.
        let back = World::from_slice(&bytes).unwrap();
        assert_eq!(back.objects, w.objects);
        assert_eq!(back.referencing("vpc_id", "vpc-1", None), vec!["subnet-1".to_string()]);
        let reparsed: Json = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(reparsed, w.to_json());
    }
}
