//! The consolidation stage of a run: from the analysed parks and their
//! evaluation to merge parties, and the what-if re-evaluation of every
//! receiver with its merged blocks, built-up area and statistics.

use super::{MergeParty, Plan};
use crate::evaluate::stats::StatsTable;
use crate::evaluate::{self, Evaluation, EvaluationConfig, ParkFacts};
use crate::findings::{Finding, Severity};
use crate::pipeline::Analysis;
use crate::rules;
use crate::units::Mu;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;

/// The parties of the plan, one per analysed park with a county and league;
/// a park without them cannot be planned and gets a finding.
pub fn parties(a: &Analysis, ev: &Evaluation) -> (Vec<MergeParty>, Vec<Finding>) {
    let by_id: BTreeMap<&str, &evaluate::ParkIndicators> = ev.parks.iter().map(|p| (p.park_id.as_str(), p)).collect();
    let mut out = Vec::new();
    let mut findings = Vec::new();
    for (i, p) in a.parks.iter().enumerate() {
        let (Some(county), Some(league)) = (p.county_adcode.clone(), p.league_adcode.clone()) else {
            if p.in_scope {
                findings.push(
                    Finding::new(
                        rules::C1,
                        Severity::Warning,
                        format!(
                            "park {}: no county or league code, so no merge can be planned for it or into it",
                            p.park_id
                        ),
                    )
                    .park(&p.park_id),
                );
            }
            continue;
        };
        let ind = by_id.get(p.park_id.as_str());
        out.push(MergeParty {
            park_id: p.park_id.clone(),
            county_adcode: county,
            league_adcode: league,
            in_scope: p.in_scope,
            underperforming: ind.and_then(|x| x.underperforming) == Some(true),
            score: ind.and_then(|x| x.score).and_then(|d| d.to_f64()),
            z2_majority: a.mostly_prohibited(i),
            leading_industries: p.leading_industries.clone(),
            block_ids: p.blocks.iter().map(|&b| a.blocks[b].block_id.clone()).collect(),
            geom: p.geom.clone(),
        });
    }
    (out, findings)
}

/// The parks after the plan: sources merged away, each receiver with its
/// sources' blocks, built-up area and statistics rows.
pub struct After {
    /// Facts of the parks that remain, park_id order.
    pub facts: Vec<ParkFacts>,
    /// Their evaluation (scores are relative, so every park is re-scored).
    pub evaluation: Evaluation,
    /// Receiver park id → the source park ids it takes.
    pub taken: BTreeMap<String, Vec<String>>,
}

/// Re-evaluates the parks as they would be after the merges.
pub fn what_if(facts: &[ParkFacts], table: Option<&StatsTable>, plan: &Plan, cfg: &EvaluationConfig) -> After {
    let into: BTreeMap<&str, &str> =
        plan.merges.iter().map(|m| (m.from_park_id.as_str(), m.to_park_id.as_str())).collect();
    let by_id: BTreeMap<&str, &ParkFacts> = facts.iter().map(|f| (f.park_id.as_str(), f)).collect();
    let mut taken: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &plan.merges {
        taken.entry(m.to_park_id.clone()).or_default().push(m.from_park_id.clone());
    }
    let add = |a: Option<Mu>, b: Option<Mu>| match (a, b) {
        (Some(x), Some(y)) => Some(x + y),
        _ => None,
    };
    let after: Vec<ParkFacts> = facts
        .iter()
        .filter(|f| !into.contains_key(f.park_id.as_str()))
        .map(|f| {
            let mut g = f.clone();
            for src in taken.get(&f.park_id).into_iter().flatten() {
                if let Some(s) = by_id.get(src.as_str()) {
                    g.block_ids.extend(s.block_ids.iter().cloned());
                    // parks do not overlap each other: their built-up areas add
                    g.builtup_mu = add(g.builtup_mu, s.builtup_mu);
                    g.builtup_declared_mu = g.builtup_declared_mu.zip(s.builtup_declared_mu).map(|(x, y)| x + y);
                }
            }
            g
        })
        .collect();
    let moved: Option<StatsTable> = table.map(|t| {
        let mut t = t.clone();
        for row in &mut t.rows {
            if let Some(to) = into.get(row.park_id.as_str()) {
                row.park_id = (*to).to_owned();
            }
        }
        t
    });
    let evaluation = evaluate::evaluate(&after, moved.as_ref(), cfg);
    After { facts: after, evaluation, taken }
}
