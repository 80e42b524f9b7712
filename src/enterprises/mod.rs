/*!
Enterprise and project screening (POLICY.md §2 clauses 5–7, §1 clause 4):
zombie enterprises (B1) and projects (B2), energy monitoring (B3) and quotas
(B4), hazardous chemicals outside chemical parks (P3), high-energy sectors
(P4), where each enterprise lies (D11), and who relocates when a park merges
(C5).

Input: `enterprises.csv` ([`table`]), judged as of one day ([`date::AsOf`]:
`--as-of`, else 31 December of the statistics year, never the wall clock).

Three outcomes per (row, rule), so that an empty cell is never read as "no":

* **flagged**: the rule applies and the row breaks it (or, for B1, meets at
  least one criterion);
* **not judged**: a cell the rule needs is not reported (empty, unusable,
  or the column is missing), and it would decide the outcome: the finding
  says which cells (severity info);
* nothing, when the reported cells show the rule is kept.

Every outcome is one [`EnterpriseFinding`]: a row of `enterprise_findings.csv`
and, through [`EnterpriseFinding::to_finding`], of `findings.csv` pointing at
the row's line. Where each rule lives: B1 and B2 in [`zombie`], B3 and B4 in
[`energy`], P3 and P4 in [`industry`], D11 in [`location`], C5 in
[`relocation`]; unusable cells and unknown parks are D10 ([`table`], [`screen`]).
*/

pub mod date;
pub mod energy;
pub mod industry;
pub mod location;
pub mod output;
pub mod relocation;
pub mod table;
#[cfg(test)]
mod tests;
pub mod zombie;

pub use date::{AsOf, AsOfSource, Day};
pub use relocation::Relocation;
pub use table::{read_table, EnterpriseTable, Entry, Kind, TableError};

use crate::consolidate::Merge;
use crate::findings::{Finding, Location, Severity};
use crate::model::Block;
use crate::parks::Park;
use crate::rules::{self, Rule};
use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The screening's settings (`[enterprises]` in yuanqu.toml). The policy's
/// own numbers (stopped 2 years, established 5 years, 100 % for 3 years,
/// 10,000 tce) are not settings: they are the rules.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EnterpriseConfig {
    /// B1: an enterprise is a zombie-enterprise candidate (severity warning,
    /// `candidate = true`) when it meets at least this many of the six
    /// criteria. Default 2: the policy's sentence lists six traits of one
    /// kind of enterprise and can be read as "all six" (set 6) or "any one"
    /// (set 1); one trait alone (e.g. criterion 3) fits many sound
    /// enterprises, two independent ones make a candidate worth a look.
    pub b1_candidate_min_criteria: usize,
    /// B1: … and meets every criterion listed here (numbers 1–6), e.g. `[1]`
    /// for "stopped for 2 years, and one more". Default: none.
    pub b1_candidate_required: Vec<u8>,
    /// B1 criterion 4 (连年亏损, losses year after year): at least this many
    /// consecutive loss-making years. Default 3, the reading of the national
    /// zombie-enterprise guidance (连续三年以上亏损); 2 is the literal minimum.
    pub b1_min_loss_years: u32,
    /// P3: a leading industry whose name contains one of these
    /// (case-insensitively) is a chemical industry (化工行业). Default
    /// [`industry::CHEMICAL_KEYWORDS`]. The screening and `place` both judge by it.
    pub chemical_industry_keywords: Vec<String>,
    /// P4: an `industry` containing one of these (case-insensitively) is a
    /// high-energy, high-emission sector whose new projects must reach
    /// national advanced standards. Default the words of the policy's six
    /// sectors, [`industry::P4_SECTORS`]: 钢铁, 电解铝, 电石, 铁合金 (硅铁 …),
    /// 焦化 (焦炭 …), 水泥. The screening and `place` both judge by it.
    pub p4_industry_keywords: Vec<String>,
}

impl Default for EnterpriseConfig {
    fn default() -> Self {
        EnterpriseConfig {
            b1_candidate_min_criteria: 2,
            b1_candidate_required: Vec::new(),
            b1_min_loss_years: 3,
            chemical_industry_keywords: industry::CHEMICAL_KEYWORDS.iter().map(|k| (*k).to_owned()).collect(),
            p4_industry_keywords: industry::P4_SECTORS
                .iter()
                .flat_map(|(_, words)| words.iter())
                .map(|k| (*k).to_owned())
                .collect(),
        }
    }
}

impl EnterpriseConfig {
    /// Checks the values a file may hold.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=6).contains(&self.b1_candidate_min_criteria) {
            return Err(format!(
                "enterprises.b1_candidate_min_criteria = {}: must be 1 to 6 (B1 has six criteria)",
                self.b1_candidate_min_criteria
            ));
        }
        if let Some(c) = self.b1_candidate_required.iter().find(|c| !(1..=6).contains(*c)) {
            return Err(format!("enterprises.b1_candidate_required: {c} is not a B1 criterion (1 to 6)"));
        }
        if self.b1_min_loss_years == 0 {
            return Err("enterprises.b1_min_loss_years must be at least 1".into());
        }
        for (name, list) in [
            ("chemical_industry_keywords", &self.chemical_industry_keywords),
            ("p4_industry_keywords", &self.p4_industry_keywords),
        ] {
            if list.iter().any(|k| k.trim().is_empty()) {
                return Err(format!("enterprises.{name}: an empty keyword would match every industry"));
            }
        }
        Ok(())
    }
}

/// What a finding's row came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The rule applies and the row breaks it (B1: meets a criterion).
    Flagged,
    /// A cell the rule needs is not reported.
    NotJudged,
    /// A cell or row of the table could not be used (D10).
    UnusableInput,
}

impl Outcome {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Flagged => "flagged",
            Outcome::NotJudged => "not_judged",
            Outcome::UnusableInput => "unusable_input",
        }
    }
}

/// One result of the screening: a row of `enterprise_findings.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct EnterpriseFinding {
    /// The row's `enterprise_id` (none for a row without one, or a whole-file finding).
    pub enterprise_id: Option<String>,
    /// The row's `name`.
    pub name: Option<String>,
    /// The row's `kind`.
    pub kind: Option<Kind>,
    /// The row's `park_id` (B2: the park whose quota returns).
    pub park_id: Option<String>,
    /// D11: the block the enterprise lies in, if it is another park's.
    pub block_id: Option<String>,
    /// The rule.
    pub rule: Rule,
    /// How serious.
    pub severity: Severity,
    /// Flagged, not judged, or unusable input.
    pub outcome: Outcome,
    /// B1: the criteria met, by number (POLICY.md), ascending.
    pub criteria_met: Vec<u8>,
    /// B1: a zombie-enterprise candidate under `[enterprises]`; `None` when
    /// criteria that could not be judged would decide it.
    pub candidate: Option<bool>,
    /// A sentence a planner can read.
    pub message: String,
    /// The compared value (B3: tce; D11: metres), if any.
    pub value: Option<f64>,
    /// Its threshold, if any.
    pub threshold: Option<f64>,
    /// The file, line and (for cells) column.
    pub location: Location,
}

impl EnterpriseFinding {
    /// A finding of `rule` about row `e`, pointing at its line.
    pub fn of(e: &Entry, file: &str, rule: Rule, severity: Severity, outcome: Outcome, message: String) -> Self {
        EnterpriseFinding {
            enterprise_id: Some(e.enterprise_id.clone()),
            name: e.name.clone(),
            kind: e.kind,
            park_id: e.park_id.clone(),
            block_id: None,
            rule,
            severity,
            outcome,
            criteria_met: Vec::new(),
            candidate: None,
            message,
            value: None,
            threshold: None,
            location: Location { file: file.to_owned(), line: Some(e.line), ..Location::default() },
        }
    }

    /// A D10 finding (unusable input) at `location`.
    pub fn data(severity: Severity, message: String, location: Location) -> Self {
        EnterpriseFinding {
            enterprise_id: None,
            name: None,
            kind: None,
            park_id: None,
            block_id: None,
            rule: rules::D10,
            severity,
            outcome: Outcome::UnusableInput,
            criteria_met: Vec::new(),
            candidate: None,
            message,
            value: None,
            threshold: None,
            location,
        }
    }

    /// Sets the enterprise id.
    pub fn enterprise(mut self, id: &str) -> Self {
        self.enterprise_id = Some(id.to_owned());
        self
    }

    /// Names the column of the row the finding is about.
    pub fn column(mut self, c: table::Column) -> Self {
        self.location.column = Some(c.name().to_owned());
        self
    }

    /// The same result as a finding of the run (`findings.csv`), its message
    /// naming the row; the location points at the row's line.
    pub fn to_finding(&self) -> Finding {
        let mut f = Finding::new(self.rule, self.severity, self.message.clone()).park_opt(self.park_id.as_deref());
        f.block_id = self.block_id.clone();
        f.value = self.value;
        f.threshold = self.threshold;
        f.at(self.location.clone())
    }
}

/// A park as the screening sees it: id, name, leading industries, blocks.
#[derive(Clone, Debug)]
pub struct ParkSite<'a> {
    /// Park id.
    pub park_id: &'a str,
    /// Park name.
    pub park_name: Option<&'a str>,
    /// Leading industries (P3).
    pub leading_industries: &'a [String],
    /// The union of its blocks (distances, D11).
    pub geom: &'a MultiPolygon<f64>,
    /// Its blocks: (block id, geometry).
    pub blocks: Vec<(&'a str, &'a MultiPolygon<f64>)>,
}

/// The parks of an analysis as screening sites.
pub fn sites<'a>(parks: &'a [Park], blocks: &'a [Block]) -> Vec<ParkSite<'a>> {
    parks
        .iter()
        .map(|p| ParkSite {
            park_id: &p.park_id,
            park_name: p.park_name.as_deref(),
            leading_industries: &p.leading_industries,
            geom: &p.geom,
            blocks: p.blocks.iter().filter_map(|&i| blocks.get(i)).map(|b| (b.block_id.as_str(), &b.geom)).collect(),
        })
        .collect()
}

/// What the screening is judged against.
pub struct Context<'a> {
    /// The analysed parks.
    pub parks: &'a [ParkSite<'a>],
    /// Park ids whose every block was rejected (named so in D10 messages).
    pub rejected_parks: &'a [String],
    /// The proposed merges (C5); empty when none was planned.
    pub merges: &'a [Merge],
    /// The as-of date.
    pub as_of: AsOf,
    /// `[enterprises]`.
    pub config: &'a EnterpriseConfig,
}

/// The screening of one table.
#[derive(Clone, Debug)]
pub struct Screening {
    /// The table's file.
    pub file: String,
    /// The as-of date used.
    pub as_of: AsOf,
    /// Data rows read.
    pub read: usize,
    /// Rows screened (usable id).
    pub screened: usize,
    /// Every result, in file order (line, then rule order of POLICY.md).
    pub findings: Vec<EnterpriseFinding>,
    /// C5: who relocates, by merge then line.
    pub relocations: Vec<Relocation>,
    /// The settings used.
    pub config: EnterpriseConfig,
}

impl Screening {
    /// The results as findings of the run.
    pub fn run_findings(&self) -> impl Iterator<Item = Finding> + '_ {
        self.findings.iter().map(EnterpriseFinding::to_finding)
    }
}

/// Screens every usable row of `table` by every rule; see the module docs.
pub fn screen(table: &EnterpriseTable, ctx: &Context<'_>) -> Screening {
    let file = table.file.as_str();
    let by_id: BTreeMap<&str, &ParkSite<'_>> = ctx.parks.iter().map(|p| (p.park_id, p)).collect();
    let locator = location::Locator::new(ctx.parks);
    let mut findings = table.findings.clone();
    let mut candidates: BTreeMap<&str, Option<bool>> = BTreeMap::new();
    for e in &table.rows {
        let park = e.park_id.as_deref().and_then(|id| by_id.get(id).copied());
        if let (Some(id), None) = (e.park_id.as_deref(), park) {
            let why = if ctx.rejected_parks.iter().any(|r| r == id) {
                "every block of that park was rejected (see its D findings)"
            } else {
                "it is not a park_id of the parks layer"
            };
            findings.push(
                EnterpriseFinding::of(
                    e,
                    file,
                    rules::D10,
                    Severity::Warning,
                    Outcome::UnusableInput,
                    format!(
                        "{} line {} column park_id: park {id} is unknown: {why}. The row is still screened; P3, the \
                         location check and C5 could not be judged for it. Correct the park_id",
                        short(file),
                        e.line
                    ),
                )
                .column(table::Column::ParkId),
            );
        }
        match e.kind {
            Some(Kind::Enterprise) => {
                let (f, candidate) = zombie::b1(e, file, ctx.as_of.date, ctx.config);
                findings.extend(f);
                candidates.insert(&e.enterprise_id, candidate);
                findings.extend(energy::b3(e, file));
                findings.extend(energy::b4(e, file));
            }
            Some(Kind::Project) => findings.extend(zombie::b2(e, file, ctx.as_of.date, park)),
            None => findings.push(
                EnterpriseFinding::of(
                    e,
                    file,
                    rules::D10,
                    Severity::Info,
                    Outcome::NotJudged,
                    format!(
                        "{}: kind not reported, so it is not known whether B1, B3, B4 (enterprises) or B2 (projects) \
                         apply; none was judged. Write enterprise or project",
                        e.who()
                    ),
                )
                .column(table::Column::Kind),
            ),
        }
        findings.extend(industry::p3(e, file, park, e.park_id.is_some() && park.is_none(), ctx.config));
        findings.extend(industry::p4(e, file, ctx.config));
        findings.extend(locator.check(e, file, park));
    }
    let (relocations, moved) = relocation::relocations(&table.rows, ctx.merges, &by_id, &candidates, file);
    findings.extend(moved);
    let order = |r: &Rule| rules::ALL.iter().position(|x| x.id == r.id).unwrap_or(usize::MAX);
    findings.sort_by(|a, b| {
        (a.location.line, order(&a.rule), &a.location.column, &a.message).cmp(&(
            b.location.line,
            order(&b.rule),
            &b.location.column,
            &b.message,
        ))
    });
    Screening {
        file: table.file.clone(),
        as_of: ctx.as_of,
        read: table.read,
        screened: table.rows.len(),
        findings,
        relocations,
        config: ctx.config.clone(),
    }
}

/// The file name without its folder, as messages name it.
pub(crate) fn short(file: &str) -> &str {
    std::path::Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or(file)
}
