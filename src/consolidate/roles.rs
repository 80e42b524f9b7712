//! Who merges and who receives (C1, C3, C4 with the L1/L2 quotas).
//!
//! Per county (grouped with its league, so that nothing is compared across
//! leagues), among in-scope parks only:
//!
//! * under-performing parks (E12) are sources, reason C1;
//! * the others are ranked and the first `quota` are kept (L1: 1 per county,
//!   L2: 2 per strong county); the rest are sources, reason C4;
//! * a kept park receives merges unless most of its area lies in prohibited
//!   development zones (C3, Z2).
//!
//! Ranking: parks mostly outside prohibited zones first (a county should not
//! keep a park that Z2 forbids and send a lawful one away), then by score,
//! higher first, parks without a score last, then by park id.
//! Under-performing parks take no place in the quota: they merge anyway.
//! Out-of-scope parks (S2) are neither counted, merged nor receivers.

use super::{MergeParty, Role};
use crate::rules::{C1, C4};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The role of every party (by position), and each county's quota.
pub(crate) fn assign(
    parties: &[&MergeParty],
    strong_counties: &BTreeSet<String>,
    parks_per_county: usize,
    parks_per_strong_county: usize,
) -> Vec<Role> {
    let mut roles = vec![Role::OutOfScope; parties.len()];
    let mut counties: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, p) in parties.iter().enumerate() {
        if !p.in_scope {
            continue;
        }
        if p.underperforming {
            roles[i] = Role::Source { reason: C1.id };
        } else {
            counties.entry((p.league_adcode.as_str(), p.county_adcode.as_str())).or_default().push(i);
        }
    }
    for ((_, county), mut members) in counties {
        let quota = if strong_counties.contains(county) { parks_per_strong_county } else { parks_per_county };
        members.sort_by(|&a, &b| rank(parties[a], parties[b]));
        for (k, i) in members.into_iter().enumerate() {
            roles[i] = if k >= quota {
                Role::Source { reason: C4.id }
            } else if parties[i].z2_majority {
                Role::KeptNotReceiving
            } else {
                Role::Receiver
            };
        }
    }
    roles
}

/// The order in which a county keeps its parks (see the module docs).
fn rank(a: &MergeParty, b: &MergeParty) -> Ordering {
    let score = |p: &MergeParty| p.score.filter(|s| s.is_finite());
    a.z2_majority
        .cmp(&b.z2_majority)
        .then_with(|| match (score(a), score(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.park_id.cmp(&b.park_id))
}
