//! From raw features to typed, validated records, with a finding for every
//! feature that is rejected or changed: nothing is dropped silently.

use super::{lookup, prop_str, RawFeature};
use crate::findings::{Finding, Location, Severity};
use crate::geom::validate;
use crate::model::{split_industries, Block, County, Origin, Parcel, Zone, ZoneClass};
use crate::rules;
use geo::{BoundingRect, MakeValid, MultiPolygon};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Which layer a feature belongs to (names in messages and field maps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerKind {
    /// Park blocks.
    Parks,
    /// Restricted/prohibited zones.
    Zones,
    /// Built-up parcels.
    Builtup,
    /// County boundaries.
    Counties,
}

impl LayerKind {
    /// The layer's name.
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Parks => "parks",
            LayerKind::Zones => "zones",
            LayerKind::Builtup => "builtup",
            LayerKind::Counties => "counties",
        }
    }
}

/// A feature that did not make it into the analysis, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Rejected {
    /// Which layer.
    pub layer: &'static str,
    /// Where it is.
    pub location: Location,
    /// Its id (block_id, zone_id, parcel_id, adcode) if it had one.
    pub id: Option<String>,
    /// Its park, for park blocks.
    pub park_id: Option<String>,
    /// Why.
    pub reason: String,
}

/// The records of one layer with what happened on the way.
#[derive(Debug)]
pub struct Loaded<T> {
    /// Usable records, in input order.
    pub records: Vec<T>,
    /// Findings (rejections, repairs, flagged attributes).
    pub findings: Vec<Finding>,
    /// Features read.
    pub read: usize,
    /// Features rejected.
    pub rejected: Vec<Rejected>,
    /// sha256 of the bytes read, when the layer was read natively from a file.
    pub sha256: Option<String>,
}

impl<T> Default for Loaded<T> {
    fn default() -> Self {
        Loaded { records: Vec::new(), findings: Vec::new(), read: 0, rejected: Vec::new(), sha256: None }
    }
}

/// How to turn features into records.
#[derive(Clone, Debug, Default)]
pub struct RecordOptions {
    /// Canonical field name → name in the file.
    pub fields: BTreeMap<String, String>,
    /// Repair invalid polygons (geo's MakeValid) instead of rejecting them.
    pub repair: bool,
}

/// Accumulates records of one layer as features stream in.
pub struct Collector<'a, T> {
    kind: LayerKind,
    file: String,
    opts: &'a RecordOptions,
    /// What was collected so far.
    pub out: Loaded<T>,
    seen_blocks: HashMap<String, usize>,
}

impl<'a, T> Collector<'a, T> {
    /// A collector for layer `kind` read from `file`.
    pub fn new(kind: LayerKind, file: &str, opts: &'a RecordOptions) -> Self {
        Collector { kind, file: file.to_owned(), opts, out: Loaded::default(), seen_blocks: HashMap::new() }
    }

    fn field(&self, props: &Map<String, Value>, canonical: &str) -> Option<String> {
        prop_str(props, self.opts.fields.get(canonical).map_or(canonical, String::as_str))
    }

    fn raw_field<'p>(&self, props: &'p Map<String, Value>, canonical: &str) -> Option<&'p Value> {
        lookup(props, self.opts.fields.get(canonical).map_or(canonical, String::as_str))
    }

    fn loc(&self, index: usize) -> Location {
        Location { file: self.file.clone(), feature: Some(index), line: None, column: None }
    }

    fn reject(
        &mut self,
        index: usize,
        id: Option<String>,
        park_id: Option<String>,
        rule: rules::Rule,
        reason: String,
        hint: &str,
    ) {
        let what = match (&park_id, &id) {
            (Some(p), Some(b)) => format!(" (park_id {p}, {} {b})", self.id_name()),
            (None, Some(b)) => format!(" ({} {b})", self.id_name()),
            (Some(p), None) => format!(" (park_id {p})"),
            (None, None) => String::new(),
        };
        let message =
            format!("{} feature {index}{what}: {reason}; the feature is left out of the analysis. {hint}", self.file);
        let mut f = Finding::new(rule, Severity::Warning, message).at(self.loc(index));
        f.park_id = park_id.clone();
        if self.kind == LayerKind::Parks {
            f.block_id = id.clone();
        } else if self.kind == LayerKind::Zones {
            f.zone_id = id.clone();
        }
        self.out.findings.push(f);
        self.out.rejected.push(Rejected { layer: self.kind.name(), location: self.loc(index), id, park_id, reason });
    }

    /// Rejects a feature whose text was not JSON (nothing of it can be
    /// read, not even its ids); true when it did.
    fn reject_unparsed(&mut self, f: &RawFeature) -> bool {
        if let Err(p @ super::GeomProblem::NotJson(_)) = &f.geometry {
            let reason = p.to_string();
            self.reject(
                f.index,
                None,
                None,
                rules::D1,
                reason,
                "Fix the text of this feature in the file (or re-export the layer).",
            );
            return true;
        }
        false
    }

    fn id_name(&self) -> &'static str {
        match self.kind {
            LayerKind::Parks => "block_id",
            LayerKind::Zones => "zone_id",
            LayerKind::Builtup => "parcel_id",
            LayerKind::Counties => "adcode",
        }
    }

    /// The geometry if usable (validated, or repaired when allowed), else
    /// records the rejection and returns `None`.
    fn geometry(
        &mut self,
        f: &mut RawFeature,
        id: &Option<String>,
        park: &Option<String>,
    ) -> Option<MultiPolygon<f64>> {
        let geom = match std::mem::replace(&mut f.geometry, Err(super::GeomProblem::Missing)) {
            Ok(g) => g,
            Err(p) => {
                let rule = match p {
                    super::GeomProblem::Unclosed(_) => rules::D2,
                    _ => rules::D1,
                };
                self.reject(
                    f.index,
                    id.clone(),
                    park.clone(),
                    rule,
                    p.to_string(),
                    "Fix or redraw the geometry in the source layer.",
                );
                return None;
            }
        };
        let checked = f.checked.take().unwrap_or_else(|| validate::check(&geom));
        match checked {
            Ok(()) => Some(geom),
            Err(inv) if self.opts.repair && inv.repairable => {
                let fixed = geom.make_valid();
                match fixed {
                    Ok(g) if !g.0.is_empty() && validate::check(&g).is_ok() => {
                        let before = crate::geom::area::area_mu(&geom).0;
                        let after = crate::geom::area::area_mu(&g).0;
                        let mut fd = Finding::new(
                            rules::D2,
                            Severity::Warning,
                            format!(
                                "{} feature {}{}: {inv}; repaired with --repair (even-odd make-valid) into {} polygon(s) of {:.4} mu (the invalid ring's signed sum was {:.4} mu). Check the repaired shape against the source.",
                                self.file,
                                f.index,
                                id.as_ref().map(|i| format!(" ({} {i})", self.id_name())).unwrap_or_default(),
                                g.0.len(),
                                after,
                                before
                            ),
                        )
                        .at(self.loc(f.index))
                        .park_opt(park.as_deref());
                        if self.kind == LayerKind::Parks {
                            fd.block_id = id.clone();
                        } else if self.kind == LayerKind::Zones {
                            fd.zone_id = id.clone();
                        }
                        self.out.findings.push(fd);
                        Some(g)
                    }
                    _ => {
                        self.reject(
                            f.index,
                            id.clone(),
                            park.clone(),
                            rules::D2,
                            format!("{inv}; --repair could not fix it"),
                            "Redraw the geometry in the source layer.",
                        );
                        None
                    }
                }
            }
            Err(inv) => {
                let hint = if inv.repairable {
                    "Fix it in the source layer, or run with --repair to repair it (each repair is reported)."
                } else {
                    "Fix it in the source layer."
                };
                self.reject(f.index, id.clone(), park.clone(), rules::D2, inv.to_string(), hint);
                None
            }
        }
    }
}

impl Collector<'_, Block> {
    /// Takes one feature of the parks layer.
    pub fn push(&mut self, mut f: RawFeature) {
        self.out.read += 1;
        if self.reject_unparsed(&f) {
            return;
        }
        let park_id = self.field(&f.properties, "park_id");
        let block_id = self.field(&f.properties, "block_id");
        let missing: Vec<&str> = [("park_id", &park_id), ("block_id", &block_id)]
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| *k)
            .collect();
        if !missing.is_empty() {
            let names = missing.iter().map(|k| self.opts.fields.get(*k).map_or(*k, String::as_str)).collect::<Vec<_>>();
            self.reject(
                f.index,
                block_id.clone(),
                park_id.clone(),
                rules::D3,
                format!("the required property {} is missing or empty", names.join(" and ")),
                "Fill it in, or map the layer's own column name in yuanqu.toml ([fields.parks] park_id = \"YQDM\").",
            );
            return;
        }
        let (park_id, block_id) = (park_id.unwrap_or_default(), block_id.unwrap_or_default());
        if let Some(first) = self.seen_blocks.get(&block_id) {
            let reason = format!("block_id {block_id} already appeared at feature {first}; the first one is kept and this one counted no more");
            self.reject(
                f.index,
                Some(block_id),
                Some(park_id),
                rules::D4,
                reason,
                "Give each block its own block_id, or delete the duplicate.",
            );
            return;
        }
        let Some(geom) = self.geometry(&mut f, &Some(block_id.clone()), &Some(park_id.clone())) else { return };
        self.seen_blocks.insert(block_id.clone(), f.index);

        let mut approved_area_mu = None;
        if let Some(v) = self.raw_field(&f.properties, "approved_area_mu") {
            match number(v) {
                Some(x) if x > 0.0 => approved_area_mu = Some(x),
                Some(0.0) => {}
                None if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) => {}
                _ => {
                    let f2 = Finding::new(
                        rules::D5,
                        Severity::Warning,
                        format!(
                            "{} feature {} (park_id {park_id}, block_id {block_id}): approved_area_mu = {v} is not a positive number; the attribute is ignored and the block is still analysed. Correct the approved area (批复面积) in the source layer.",
                            self.file, f.index
                        ),
                    )
                    .park(&park_id)
                    .block(&block_id)
                    .at(self.loc(f.index));
                    self.out.findings.push(f2);
                }
            }
        }
        let int = |v: Option<&Value>| v.and_then(number).filter(|x| x.fract() == 0.0).map(|x| x as i64);
        let county_adcode = self.field(&f.properties, "county_adcode");
        let league_adcode =
            self.field(&f.properties, "league_adcode").or_else(|| county_adcode.as_deref().and_then(league_of));
        let block = Block {
            origin: Origin { file: self.file.clone(), feature: f.index },
            park_name: self.field(&f.properties, "park_name"),
            block_no: int(self.raw_field(&f.properties, "block_no")),
            block_name: self.field(&f.properties, "block_name"),
            park_type: self.field(&f.properties, "park_type"),
            county_name: self.field(&f.properties, "county_name"),
            league_name: self.field(&f.properties, "league_name"),
            leading_industries: self
                .field(&f.properties, "leading_industries")
                .map(|s| split_industries(&s))
                .unwrap_or_default(),
            established_year: int(self.raw_field(&f.properties, "established_year")),
            builtup_mu_declared: self.raw_field(&f.properties, "builtup_mu").and_then(number).filter(|x| *x >= 0.0),
            approved_area_mu,
            county_adcode,
            league_adcode,
            park_id,
            block_id,
            geom,
        };
        self.out.records.push(block);
    }
}

/// The league code of a county code: its first four digits and `00`.
pub fn league_of(county: &str) -> Option<String> {
    (county.len() == 6 && county.is_char_boundary(4)).then(|| format!("{}00", &county[..4]))
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|x| x.is_finite()),
        _ => None,
    }
}

impl Collector<'_, Zone> {
    /// Takes one feature of the zones layer.
    pub fn push(&mut self, mut f: RawFeature) {
        self.out.read += 1;
        if self.reject_unparsed(&f) {
            return;
        }
        let Some(zone_id) = self.field(&f.properties, "zone_id") else {
            self.reject(
                f.index,
                None,
                None,
                rules::D3,
                "the required property zone_id is missing or empty".into(),
                "Fill it in, or map the column in yuanqu.toml ([fields.zones] zone_id = \"...\").",
            );
            return;
        };
        let class_text = self.field(&f.properties, "zone_class");
        let Some(class) = class_text.as_deref().and_then(ZoneClass::parse) else {
            let reason = match class_text {
                Some(t) => {
                    format!("zone_class \"{t}\" is neither restricted (限制开发区域) nor prohibited (禁止开发区域)")
                }
                None => "the required property zone_class is missing or empty".into(),
            };
            self.reject(
                f.index,
                Some(zone_id),
                None,
                rules::D5,
                reason,
                "Set zone_class to restricted or prohibited (or 限制开发区域/禁止开发区域).",
            );
            return;
        };
        let Some(geom) = self.geometry(&mut f, &Some(zone_id.clone()), &None) else { return };
        // (boxed by the reader unless --repair changed the geometry since)
        let Some(bbox) = f.bbox.or_else(|| geom.bounding_rect()) else { return };
        self.out.records.push(Zone {
            origin: Origin { file: self.file.clone(), feature: f.index },
            zone_name: self.field(&f.properties, "zone_name"),
            zone_type: self.field(&f.properties, "zone_type"),
            zone_level: self.field(&f.properties, "zone_level"),
            zone_id,
            class,
            geom,
            bbox,
        });
    }
}

impl Collector<'_, Parcel> {
    /// Takes one feature of the built-up layer.
    pub fn push(&mut self, mut f: RawFeature) {
        self.out.read += 1;
        if self.reject_unparsed(&f) {
            return;
        }
        let parcel_id = self.field(&f.properties, "parcel_id");
        let Some(geom) = self.geometry(&mut f, &parcel_id, &None) else { return };
        self.out.records.push(Parcel {
            origin: Origin { file: self.file.clone(), feature: f.index },
            land_use: self.field(&f.properties, "land_use"),
            parcel_id,
            geom,
        });
    }
}

impl Collector<'_, County> {
    /// Takes one feature of the counties layer.
    pub fn push(&mut self, mut f: RawFeature) {
        self.out.read += 1;
        if self.reject_unparsed(&f) {
            return;
        }
        let Some(adcode) = self.field(&f.properties, "adcode") else {
            self.reject(
                f.index,
                None,
                None,
                rules::D3,
                "the required property adcode is missing or empty".into(),
                "Fill it in, or map the column in yuanqu.toml ([fields.counties] adcode = \"...\").",
            );
            return;
        };
        let Some(geom) = self.geometry(&mut f, &Some(adcode.clone()), &None) else { return };
        let strong = self.raw_field(&f.properties, "strong").and_then(|v| match v {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => n.as_i64().map(|i| i != 0),
            Value::String(s) => match s.trim() {
                "true" | "1" | "是" | "yes" => Some(true),
                "false" | "0" | "否" | "no" => Some(false),
                _ => None,
            },
            _ => None,
        });
        self.out.records.push(County {
            name: self.field(&f.properties, "name"),
            parent_adcode: self.field(&f.properties, "parent_adcode").or_else(|| league_of(&adcode)),
            parent_name: self.field(&f.properties, "parent_name"),
            adcode,
            strong,
            geom,
        });
    }
}

/// A collector that takes features of its layer.
pub trait Take {
    /// Takes one feature.
    fn take(&mut self, f: RawFeature);
}

macro_rules! take_via_push {
    ($($t:ty),*) => { $( impl Take for Collector<'_, $t> { fn take(&mut self, f: RawFeature) { self.push(f) } } )* };
}
take_via_push!(Block, Zone, Parcel, County);
