//! C5: the enterprises and projects of a park that merges into another
//! (POLICY.md §1 clause 4: 对因园区整合需要搬迁的企业，在厂房建设上给予支持).
//!
//! Every row whose `park_id` is the source of a proposed merge
//! ([`crate::consolidate::Plan`]) relocates to the receiver, whatever its kind:
//! a project not yet built is moved with its park's quotas. Each gets a row of
//! `relocations.csv` (with the merge's distance between the parks' closest
//! boundary points) and a C5 finding (info). A relocating enterprise that is
//! also a B1 zombie-enterprise candidate is marked: clearing it may be due
//! rather than supporting its move.

use super::table::{Entry, Kind};
use super::{EnterpriseFinding, Outcome, ParkSite};
use crate::consolidate::Merge;
use crate::findings::{Location, Severity};
use crate::rules::C5;
use crate::units::{round_to, Metres};
use std::collections::BTreeMap;

/// One relocating enterprise or project (a row of `relocations.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct Relocation {
    /// `enterprise_id`.
    pub enterprise_id: String,
    /// `name`.
    pub name: Option<String>,
    /// `kind`.
    pub kind: Option<Kind>,
    /// `industry`.
    pub industry: Option<String>,
    /// The park that merges away (its declared park).
    pub from_park_id: String,
    /// The park that receives it.
    pub to_park_id: String,
    /// The merge's geodesic distance between the two parks' closest boundary points.
    pub distance_m: Metres,
    /// The merge's reason: `C1` or `C4`.
    pub reason: &'static str,
    /// B1 candidate status (enterprises only; `None` for projects or when not judged).
    pub b1_candidate: Option<bool>,
    /// Where the row is.
    pub location: Location,
}

/// The relocations of `rows` under `merges`, by source park then file
/// order, each with its C5 finding.
pub fn relocations(
    rows: &[Entry],
    merges: &[Merge],
    parks: &BTreeMap<&str, &ParkSite<'_>>,
    candidates: &BTreeMap<&str, Option<bool>>,
    file: &str,
) -> (Vec<Relocation>, Vec<EnterpriseFinding>) {
    let mut out = Vec::new();
    let mut findings = Vec::new();
    for m in merges.iter().filter(|m| parks.contains_key(m.from_park_id.as_str())) {
        for e in rows.iter().filter(|e| e.park_id.as_deref() == Some(m.from_park_id.as_str())) {
            let b1_candidate = candidates.get(e.enterprise_id.as_str()).copied().flatten();
            let zombie = if b1_candidate == Some(true) {
                "; it is also a B1 zombie-enterprise candidate: clearing it may be due rather than supporting its move"
            } else {
                ""
            };
            let mut f = EnterpriseFinding::of(
                e,
                file,
                C5,
                Severity::Info,
                Outcome::Flagged,
                format!(
                    "{} relocates from park {} to park {} ({:.1} km apart, merge by {}): entitled to support for its \
                     factory buildings{zombie}",
                    e.who(),
                    m.from_park_id,
                    m.to_park_id,
                    m.distance_m.0 / 1000.0,
                    m.reason
                ),
            );
            f.value = Some(round_to(m.distance_m.0, 3));
            findings.push(f);
            out.push(Relocation {
                enterprise_id: e.enterprise_id.clone(),
                name: e.name.clone(),
                kind: e.kind,
                industry: e.industry.clone(),
                from_park_id: m.from_park_id.clone(),
                to_park_id: m.to_park_id.clone(),
                distance_m: m.distance_m,
                reason: m.reason,
                b1_candidate,
                location: Location { file: file.to_owned(), line: Some(e.line), ..Location::default() },
            });
        }
    }
    (out, findings)
}
