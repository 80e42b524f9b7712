/*!
The consolidation plan: which park merges into which (C1–C4, L1–L3).

POLICY.md, §1 clauses 1 and 4, Annex 1 §3.3: an under-performing park (E12)
is merged into the nearest other park of its county, else of its league
(C1); a receiver whose leading industries match or complement the source's
is preferred to a nearer one that does not (C2); receivers are kept parks,
merges never chain and never leave the league (C3); counties over their
quota (L1: 1 park, L2: 2 for a strong county) keep their best parks and
merge the rest (C4); a receiver pushed over 3 blocks (L3) is reported with
the blocks concerned.

[`plan`] is a pure function of abstract inputs ([`MergeParty`]): the caller
has already measured, evaluated and checked zoning. It returns the merges
and the findings the plan itself raises; L1/L3 violations of the parks as
they are, and Z2 overlaps, are reported by the stages that measure them.

Who merges and who receives, per county, among in-scope parks only (S2
parks are neither counted, merged nor receivers):
* under-performing parks (E12) are sources, reason C1, and take no place in
  the quota;
* the others are ranked — parks not mostly in prohibited zones first, then
  by score (higher first, none last), then by park id — and the first
  `layout.parks_per_county` (L1), or `layout.parks_per_strong_county` in a
  strong county (L2), are kept; the rest are sources, reason C4;
* a kept park receives unless more than half of it lies in prohibited zones
  ([`Role::KeptNotReceiving`], C3). A source is never a receiver, so merges
  never chain.

How a receiver is chosen, for each source, in order of park id:
1. the receivers of the source's county, else (none, or none within
   [`MergeConfig::max_distance_m`]) those of its league;
2. in that scope, the nearest receiver with chain fit (C2); if none fits,
   the nearest receiver, and the merge has `chain_fit = false` with a C2
   finding;
3. "nearest" is the geodesic distance between closest boundary points
   ([`closest_points`]); distances equal to the millimetre are ties, which
   go to the lower park id.

A source with no receiver in its league is not dropped: it gets a finding
(rule C1 or C4, as its reason) naming it a candidate for withdrawal (撤销).
*/

mod fit;
mod roles;
pub mod stage;

pub use fit::chain_fit;

use crate::config::LayoutConfig;
use crate::findings::{Finding, Severity};
use crate::geom::distance::{all_finite, closest_points, Closest};
use crate::geom::nearest::ParkIndex;
use crate::rules::{C1, C2, C4, D5, L3};
use crate::units::Metres;
use geo::{Coord, MultiPolygon};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A park as the planner sees it: identity, evaluation results, zoning and
/// geometry (lon/lat, all blocks).
#[derive(Clone, Debug)]
pub struct MergeParty {
    /// Park id; unique among the parties.
    pub park_id: String,
    /// County adcode (6 digits).
    pub county_adcode: String,
    /// League/city adcode (15xx00).
    pub league_adcode: String,
    /// Evaluated at all (S1); out-of-scope parks (S2) neither merge nor receive.
    pub in_scope: bool,
    /// Under-performing (E12): merges by C1.
    pub underperforming: bool,
    /// Evaluation score, higher is better; ranks the parks a county keeps (C4).
    pub score: Option<f64>,
    /// More than half of the park's area lies in prohibited development
    /// zones (Z2): it cannot receive (C3).
    pub z2_majority: bool,
    /// Leading industries (主导产业), for chain fit (C2).
    pub leading_industries: Vec<String>,
    /// Block ids of the park; their count is checked against L3 after merging.
    pub block_ids: Vec<String>,
    /// The park's blocks.
    pub geom: MultiPolygon<f64>,
}

/// The merge planner's settings (`[merge]` in yuanqu.toml). Quotas come from
/// `[layout]` ([`LayoutConfig`]): one setting, one place.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MergeConfig {
    /// Pairs of leading industries that complement each other along an
    /// industrial chain (C2), either direction, e.g.
    /// `complementary = [["现代煤化工", "精细化工"]]`. Default: none, so only
    /// a shared leading industry counts as fit.
    pub complementary: Vec<(String, String)>,
    /// Search limit: receivers farther than this (metres) are not proposed;
    /// a source with none nearer gets a finding instead. Default: no limit
    /// (the policy sets none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_distance_m: Option<f64>,
}

impl MergeConfig {
    /// Checks the values a file may hold: the distance limit is a number ≥ 0,
    /// and complementary pairs name two industries.
    pub fn check(&self) -> Result<(), String> {
        if let Some(m) = self.max_distance_m {
            if !(m.is_finite() && m >= 0.0) {
                return Err(format!("merge.max_distance_m = {m}: must be a number ≥ 0"));
            }
        }
        if let Some((a, b)) = self.complementary.iter().find(|(a, b)| a.trim().is_empty() || b.trim().is_empty()) {
            return Err(format!("merge.complementary: pair [{a:?}, {b:?}] must name two industries"));
        }
        Ok(())
    }
}

/// Where the receiver was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// In the source's county.
    County,
    /// Elsewhere in the source's league/city.
    League,
}

impl Scope {
    /// The name used in outputs (`county` / `league`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::County => "county",
            Scope::League => "league",
        }
    }
}

/// A proposed merge (one feature of merges.geojson).
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    /// The park that merges.
    pub from_park_id: String,
    /// The park that receives it.
    pub to_park_id: String,
    /// Geodesic distance between their closest boundary points.
    pub distance_m: Metres,
    /// Found in the county or, failing that, the league.
    pub scope: Scope,
    /// Rule id: `C1` (under-performing, E12) or `C4` (over the county quota).
    pub reason: &'static str,
    /// The receiver shares or complements a leading industry (C2).
    pub chain_fit: bool,
    /// What fits: the shared industry, or the complementary pair `a↔b`.
    pub fit: Option<String>,
    /// Closest boundary points, on the source then on the receiver (lon/lat).
    pub line: (Coord<f64>, Coord<f64>),
}

/// What the plan does with a park.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Kept, and may receive merges.
    Receiver,
    /// Kept within the quota, but mostly in prohibited zones: receives nothing (C3).
    KeptNotReceiving,
    /// Merges into another park (or, failing a receiver, is a withdrawal candidate).
    Source {
        /// Rule id: `C1` or `C4`.
        reason: &'static str,
    },
    /// Out of scope (S2): not planned.
    OutOfScope,
}

/// The plan: merges by source park id, the findings it raises, and the role
/// of every park.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Proposed merges, ordered by `from_park_id`.
    pub merges: Vec<Merge>,
    /// Sources without a receiver (C1/C4), merges without chain fit (C2),
    /// receivers pushed over the block limit (L3); ordered by park id, rule.
    pub findings: Vec<Finding>,
    /// Every park's role, by park id.
    pub roles: BTreeMap<String, Role>,
}

/// Plans the consolidation: see the module docs for the rules and the order
/// in which receivers are chosen. `strong_counties` are the adcodes allowed
/// `layout.parks_per_strong_county` parks (L2); the others keep
/// `layout.parks_per_county` (L1). The result does not depend on the order of
/// `parties`.
pub fn plan(
    parties: &[MergeParty],
    strong_counties: &BTreeSet<String>,
    layout: &LayoutConfig,
    cfg: &MergeConfig,
) -> Plan {
    let mut findings = Vec::new();
    let parties = unique_by_id(parties, &mut findings);
    let roles = roles::assign(&parties, strong_counties, layout.parks_per_county, layout.parks_per_strong_county);

    // One R-tree of receivers per league, in park-id order (ties go to the
    // lower position, hence the lower park id).
    let mut receivers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in parties.iter().enumerate() {
        if roles[i] == Role::Receiver {
            receivers.entry(p.league_adcode.as_str()).or_default().push(i);
        }
    }
    let leagues: BTreeMap<&str, (ParkIndex<'_>, &[usize])> = receivers
        .iter()
        .map(|(l, members)| (*l, (ParkIndex::new(members.iter().map(|&i| &parties[i].geom)), members.as_slice())))
        .collect();

    let sources: Vec<(usize, &'static str)> = roles
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Role::Source { reason } => Some((i, *reason)),
            _ => None,
        })
        .collect();
    let found: Vec<Option<Merge>> = sources
        .par_iter()
        .map(|&(i, reason)| {
            let league = leagues.get(parties[i].league_adcode.as_str());
            league.and_then(|(index, members)| find_receiver(&parties, i, reason, index, members, cfg))
        })
        .collect();

    let mut merges = Vec::new();
    for (&(i, reason), m) in sources.iter().zip(found) {
        let p = parties[i];
        match m {
            Some(m) => {
                if !m.chain_fit {
                    findings.push(mismatch_finding(p, &m));
                }
                merges.push(m);
            }
            None => findings.push(withdrawal_finding(p, reason, cfg)),
        }
    }
    findings.extend(block_findings(&parties, &merges, layout.max_blocks));

    merges.sort_by(|a, b| a.from_park_id.cmp(&b.from_park_id));
    findings.sort_by(|a, b| (&a.park_id, a.rule, &a.message).cmp(&(&b.park_id, b.rule, &b.message)));
    let roles = parties.iter().zip(roles).map(|(p, r)| (p.park_id.clone(), r)).collect();
    Plan { merges, findings, roles }
}

/// The parties sorted by park id; a repeated id keeps its first occurrence
/// (in input order) and is reported.
fn unique_by_id<'a>(parties: &'a [MergeParty], findings: &mut Vec<Finding>) -> Vec<&'a MergeParty> {
    let mut sorted: Vec<&MergeParty> = parties.iter().collect();
    sorted.sort_by(|a, b| a.park_id.cmp(&b.park_id)); // stable: first occurrence first
    let mut out: Vec<&MergeParty> = Vec::with_capacity(sorted.len());
    let mut repeats: BTreeMap<&str, usize> = BTreeMap::new();
    for p in sorted {
        if out.last().is_some_and(|q| q.park_id == p.park_id) {
            *repeats.entry(&p.park_id).or_default() += 1;
        } else {
            out.push(p);
        }
    }
    for (id, n) in repeats {
        findings.push(
            Finding::new(
                D5,
                Severity::Warning,
                format!("park {id} is given {} times to the merge planner; only the first is planned", n + 1),
            )
            .park(id),
        );
    }
    out
}

/// The receiver of source `s`, by the order of the module docs.
fn find_receiver(
    parties: &[&MergeParty],
    s: usize,
    reason: &'static str,
    index: &ParkIndex<'_>,
    members: &[usize],
    cfg: &MergeConfig,
) -> Option<Merge> {
    let src = parties[s];
    let mut memo: HashMap<usize, Option<Closest>> = HashMap::new();
    let fits: Vec<Option<String>> = members
        .iter()
        .map(|&r| chain_fit(&src.leading_industries, &parties[r].leading_industries, &cfg.complementary))
        .collect();
    let within = |n: &crate::geom::nearest::Nearest| cfg.max_distance_m.is_none_or(|m| n.closest.distance.0 <= m);
    for scope in [Scope::County, Scope::League] {
        let in_scope = |k: usize| {
            members[k] != s && (scope == Scope::League || parties[members[k]].county_adcode == src.county_adcode)
        };
        let mut search = |accept: &dyn Fn(usize) -> bool| {
            index
                .nearest_with(&src.geom, accept, |k| {
                    *memo.entry(k).or_insert_with(|| closest_points(&src.geom, &parties[members[k]].geom))
                })
                .filter(within)
        };
        let any_fit = (0..members.len()).any(|k| in_scope(k) && fits[k].is_some());
        let fitting = if any_fit { search(&|k| in_scope(k) && fits[k].is_some()) } else { None };
        let chosen = fitting.or_else(|| search(&in_scope));
        if let Some(n) = chosen {
            let to = parties[members[n.index]];
            return Some(Merge {
                from_park_id: src.park_id.clone(),
                to_park_id: to.park_id.clone(),
                distance_m: n.closest.distance,
                scope,
                reason,
                chain_fit: fits[n.index].is_some(),
                fit: fits[n.index].clone(),
                line: (n.closest.on_a, n.closest.on_b),
            });
        }
    }
    None
}

fn why(reason: &str) -> &'static str {
    if reason == C1.id {
        "under-performing, E12"
    } else {
        "over the county's park quota, L1/L2"
    }
}

fn withdrawal_finding(p: &MergeParty, reason: &'static str, cfg: &MergeConfig) -> Finding {
    let rule = if reason == C1.id { C1 } else { C4 };
    if p.geom.0.is_empty() || !all_finite(&p.geom) {
        let msg = format!("park {} ({}) has no usable geometry, so no receiver can be chosen", p.park_id, why(reason));
        return Finding::new(rule, Severity::Warning, msg).park(&p.park_id);
    }
    let limit = cfg.max_distance_m.map(|m| format!(" within {m} m (merge.max_distance_m)")).unwrap_or_default();
    Finding::new(
        rule,
        Severity::Warning,
        format!(
            "park {} ({}) has no park in county {} or league {} that can receive it{limit} \
             (C3: receivers are kept parks, not under-performing, not over quota, not mostly in prohibited zones; \
             merges stay in the league): candidate for withdrawal (撤销)",
            p.park_id,
            why(reason),
            p.county_adcode,
            p.league_adcode
        ),
    )
    .park(&p.park_id)
}

fn mismatch_finding(p: &MergeParty, m: &Merge) -> Finding {
    let inds = if p.leading_industries.is_empty() { "none given".to_owned() } else { p.leading_industries.join("、") };
    Finding::new(
        C2,
        Severity::Warning,
        format!(
            "park {} merges into {}, the nearest receiver in its {} ({:.0} m), but no receiver there shares or \
             complements its leading industries ({inds})",
            m.from_park_id,
            m.to_park_id,
            m.scope.as_str(),
            m.distance_m.0
        ),
    )
    .park(&p.park_id)
}

/// L3 after merging: each receiver whose blocks plus its sources' blocks
/// exceed `max_blocks`, with every block listed by park.
fn block_findings(parties: &[&MergeParty], merges: &[Merge], max_blocks: usize) -> Vec<Finding> {
    let by_id: BTreeMap<&str, &MergeParty> = parties.iter().map(|p| (p.park_id.as_str(), *p)).collect();
    let mut incoming: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for m in merges {
        incoming.entry(m.to_park_id.as_str()).or_default().push(m.from_park_id.as_str());
    }
    let mut out = Vec::new();
    for (to, mut froms) in incoming {
        froms.sort_unstable();
        let Some(receiver) = by_id.get(to) else { continue };
        let blocks = |id: &str| by_id.get(id).map_or(&[][..], |p| p.block_ids.as_slice());
        let total = receiver.block_ids.len() + froms.iter().map(|f| blocks(f).len()).sum::<usize>();
        if total <= max_blocks {
            continue;
        }
        let list = |id: &str| format!("{id}: {} [{}]", blocks(id).len(), blocks(id).join(", "));
        let parts: Vec<String> = std::iter::once(list(to)).chain(froms.iter().map(|f| list(f))).collect();
        out.push(
            Finding::new(
                L3,
                Severity::Warning,
                format!(
                    "after the proposed merges park {to} would have {total} blocks, over the limit of {max_blocks} \
                     (C4: blocks to merge or give up): {}",
                    parts.join("; ")
                ),
            )
            .park(to)
            .measured(total as f64, Some(max_blocks as f64)),
        );
    }
    out
}

#[cfg(test)]
mod tests;
