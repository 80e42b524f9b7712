/*!
`yuanqu place`: which parks could take a project, and what the policy says
about the project itself.

§1 clause 3 (P5) lets a county recommend a project that does not fit its own
park to another park, the two areas then sharing the project's output value
and tax at an agreed ratio. A planner placing a project needs, in one
answer:

* **the ranking** (P5): parks whose leading industries *match* the
  project's industry first, then parks with a *complementary* leading
  industry (the industrial-chain pairs of `[merge] complementary`, C2, the
  same list the merge planner uses), then the rest; within each group by
  the geodesic distance from the site to the park's nearest boundary point
  (0 inside the park), then by park id. Names are compared exactly after
  trimming, as in [`crate::consolidate::chain_fit`]: `新材料` does not match
  `稀土新材料`. Out-of-scope parks (S2: logistics parks, customs zones) are
  not industrial parks and are left out, by id.
* **flags** from the same analysis as `analyze` (evaluation and
  consolidation, [`crate::commands::run_all`]): an under-performing park
  (E12), a park marked to merge into another (C1, C4) or left without a
  receiver (a withdrawal candidate), a kept park that receives nothing
  because it lies mostly in prohibited zones (C3). Flags do not reorder the
  ranking; they say what the planner should know before recommending it.
* **the contact tier** (T2, §6 clause 17) of the project by its
  investment: ≥ 50亿元 (500,000 万元) the autonomous region, [10亿, 50亿)
  (100,000 – 500,000 万元) the league/city, < 10亿 the county; "以上" includes
  its bound, as POLICY.md reads it.
* **P3** (§2 clause 7): a hazardous-chemical production project
  (`--hazardous-chemicals`) is refused by every park whose leading
  industries include no chemical industry. A leading industry is chemical
  when its name contains one of the configuration's
  `chemical_industry_keywords` (`[enterprises]`; default
  [`crate::enterprises::industry::CHEMICAL_KEYWORDS`]: 化工 as in
  现代煤化工, 氯碱化工, 精细化工; 石化; 化学 as in 化学原料和化学制品制造业;
  or the English word), the same test as the enterprise screening's. A park
  that names no leading industry includes none.
* **P4** (§2 clause 7): steel, electrolytic aluminium, calcium carbide,
  ferroalloy, coking and cement projects are flagged for the national
  advanced standards, by the configuration's `p4_industry_keywords` (default
  the words of [`crate::enterprises::industry::P4_SECTORS`]), as in the
  screening.
* **the split** (P5) with `--split S`: `S` is the recommending area's share
  (0 to 1, or a percentage), the receiving area has the rest. The
  recommending area is the county the site lies in (counties layer); the
  receiving area is the county of the first-ranked park.

Money is exact: amounts are parsed from the command line as decimals
([`parse_wan`]), never through `f64`, and kept to the fen (分): 1 分 =
0.01 元 = 0.000001 万元, six decimal places in 万元 ([`FEN_DECIMALS`]). An
amount given finer than a fen is refused. The recommending share is the
amount times `S`, rounded to the fen half away from zero (the crate's
rounding rule, [`crate::evaluate::indicators::ROUNDING`]); the receiving
share is the amount minus it, so the two always add up to the amount,
exactly.

Exit code: 0 at least one park can take the project, 1 none can (every
park refuses it or is out of scope), 2 unusable input.
*/

use super::{distance_text, Inputs, PlanError, COORD_DECIMALS};
use crate::consolidate::{chain_fit, Plan, Role};
use crate::enterprises::EnterpriseConfig;
use crate::evaluate::{ContactTier, Evaluation, Grade};
use crate::findings::{Finding, Severity};
use crate::geom::distance::closest_point_to;
use crate::model::County;
use crate::parks::Park;
use crate::rules::{self, Rule};
use crate::units::round_to;
use geo::{Coord, Intersects, Point};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::PathBuf;

/// Decimal places of 万元 that make a fen (分): 0.000001 万元 = 0.01 元.
pub const FEN_DECIMALS: u32 = 6;

/// T2: investment from which the autonomous-region government is the
/// contact, 50亿元 = 500,000 万元 ("50亿以上" includes 50亿).
pub const T2_REGION_MIN_INVESTMENT_WAN: Decimal = Decimal::from_parts(500_000, 0, 0, false, 0);

/// T2: investment from which the league/city government is the contact,
/// 10亿元 = 100,000 万元 ("10至50亿" is [10亿, 50亿)).
pub const T2_LEAGUE_MIN_INVESTMENT_WAN: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// An amount of money in 万元 (10,000 yuan), exact, to the fen at most.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Wan(pub Decimal);

impl fmt::Display for Wan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 万元", self.0.normalize())
    }
}

impl Serialize for Wan {
    /// An exact decimal string (`"1234.5"`): JSON numbers are binary floats.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

/// Parses an amount in 万元 as typed: a decimal number ≥ 0 (`120000`,
/// `3.5`), at most to the fen (6 decimal places). Never goes through `f64`.
pub fn parse_wan(s: &str) -> Result<Wan, String> {
    let t = s.trim();
    let d = Decimal::from_str_exact(t)
        .map_err(|_| format!("{s:?} is not an amount in 万元: give a decimal number such as 120000 or 3.5"))?;
    if d < Decimal::ZERO {
        return Err(format!("{s}: an amount cannot be negative"));
    }
    let d = d.normalize();
    if d.scale() > FEN_DECIMALS {
        return Err(format!(
            "{s} 万元 is finer than a fen (分): amounts are kept to 0.000001 万元 = 0.01 元; round it to 6 decimal places"
        ));
    }
    Ok(Wan(d))
}

/// Parses the recommending area's share: a decimal from 0 to 1 (`0.3`) or a
/// percentage (`30%`).
pub fn parse_share(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let bad = || format!("{s:?} is not a share: give a decimal from 0 to 1 (0.3) or a percentage (30%)");
    let d = Decimal::from_str_exact(num).map_err(|_| bad())?;
    let d = if pct { d.checked_div(Decimal::ONE_HUNDRED).ok_or_else(bad)? } else { d };
    if d < Decimal::ZERO || d > Decimal::ONE {
        return Err(format!("{s}: the recommending area's share must be from 0 to 1 (0 % to 100 %)"));
    }
    Ok(d.normalize())
}

/// Parses a site `LON,LAT` in degrees (lon/lat, longitude first).
pub fn parse_lon_lat(s: &str) -> Result<Coord<f64>, String> {
    let usage = "give the site as LON,LAT in degrees, longitude first, e.g. --at 111.65,40.82";
    let mut parts = s.split(',').map(str::trim);
    let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("{s:?}: {usage}"));
    };
    let num = |x: &str| x.parse::<f64>().ok().filter(|v| v.is_finite());
    let (Some(lon), Some(lat)) = (num(a), num(b)) else {
        return Err(format!("{s:?}: not two numbers; {usage}"));
    };
    if !(-90.0..=90.0).contains(&lat) && (-90.0..=90.0).contains(&lon) {
        return Err(format!("{s:?}: latitude {lat} is out of range; were longitude and latitude swapped? {usage}"));
    }
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("{s:?}: out of range; {usage}"));
    }
    Ok(Coord { x: lon, y: lat })
}

/// T2: the contact tier of a project with this investment.
pub fn contact_tier(investment: Wan) -> ContactTier {
    if investment.0 >= T2_REGION_MIN_INVESTMENT_WAN {
        ContactTier::Region
    } else if investment.0 >= T2_LEAGUE_MIN_INVESTMENT_WAN {
        ContactTier::League
    } else {
        ContactTier::County
    }
}

/// P3: whether an industry name is a chemical industry, by the
/// configuration's `chemical_industry_keywords` (the screening's own test).
pub fn is_chemical(industry: &str, cfg: &EnterpriseConfig) -> bool {
    crate::enterprises::industry::matching(industry, &cfg.chemical_industry_keywords).is_some()
}

/// P4: the sector an industry name falls in, if any, by the configuration's
/// `p4_industry_keywords` (the screening's own test).
pub fn p4_sector(industry: &str, cfg: &EnterpriseConfig) -> Option<String> {
    crate::enterprises::industry::p4_sector(industry, &cfg.p4_industry_keywords)
}

/// The recommending area's and the receiving area's parts of `total`: the
/// first is `total × share` rounded to the fen half away from zero, the
/// second the rest, so that they add up to `total` exactly.
pub fn split(total: Wan, share: Decimal) -> (Wan, Wan) {
    let rec = total
        .0
        .checked_mul(share)
        .map(|d| d.round_dp_with_strategy(FEN_DECIMALS, RoundingStrategy::MidpointAwayFromZero))
        .unwrap_or(total.0);
    (Wan(rec.normalize()), Wan((total.0 - rec).normalize()))
}

/// The project to place.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    /// Its industry, as the parks name their leading industries (新材料).
    pub industry: String,
    /// The site, lon/lat.
    pub at: Coord<f64>,
    /// Fixed-asset investment (T2).
    pub investment: Wan,
    /// Expected annual output value (P5 split).
    pub output: Option<Wan>,
    /// Expected annual tax (P5 split).
    pub tax: Option<Wan>,
    /// The recommending area's share, 0..1 (P5).
    pub split: Option<Decimal>,
    /// A hazardous-chemical production project (P3).
    pub hazardous_chemicals: bool,
}

impl Project {
    /// Checks what the flags cannot: an industry is named, and a split has
    /// something to split.
    pub fn check(&self) -> Result<(), PlanError> {
        if self.industry.trim().is_empty() {
            return Err(PlanError::Usage(
                "--industry is empty\nhint: name the project's industry as the parks name theirs, e.g. --industry 新材料"
                    .into(),
            ));
        }
        if self.split.is_some() && self.output.is_none() && self.tax.is_none() {
            return Err(PlanError::Usage(
                "--split needs something to split\nhint: give the expected output value and/or tax, e.g. --output 80000 --tax 6000 --split 0.3"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Options of `yuanqu place`.
#[derive(Clone, Debug)]
pub struct PlaceOptions {
    /// The layers and configuration (as `analyze`).
    pub inputs: Inputs,
    /// The project.
    pub project: Project,
    /// Draw the site map (the site, the best-ranked parks) to this PNG, and the SVG beside it;
    /// not drawn when no park can take the project.
    pub map: Option<PathBuf>,
}

/// What the analysis says about an existing park, for the flags.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Standing {
    /// Under-performing (E12); `None` when it could not be judged.
    pub underperforming: Option<bool>,
    /// Its grade, if scored.
    pub grade: Option<Grade>,
    /// Its role in the consolidation plan.
    pub role: Option<Role>,
    /// The park it is to merge into (C1/C4).
    pub merge_into: Option<String>,
}

/// The standing of every park, from the evaluation and the plan.
pub fn standings(ev: &Evaluation, plan: &Plan) -> BTreeMap<String, Standing> {
    let mut out: BTreeMap<String, Standing> = ev
        .parks
        .iter()
        .map(|p| {
            (p.park_id.clone(), Standing { underperforming: p.underperforming, grade: p.grade, ..Default::default() })
        })
        .collect();
    for (id, role) in &plan.roles {
        out.entry(id.clone()).or_default().role = Some(*role);
    }
    for m in &plan.merges {
        out.entry(m.from_park_id.clone()).or_default().merge_into = Some(m.to_park_id.clone());
    }
    out
}

/// How a park's leading industries fit the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// A leading industry is the project's industry.
    Match,
    /// A leading industry is listed as complementary to it (C2 pairs).
    Complementary,
    /// Neither.
    None,
}

/// A flag on a ranked park: rule, clause, what.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    /// Rule id.
    pub rule: &'static str,
    /// Its clause.
    pub clause: &'static str,
    /// What it means for the project.
    pub text: String,
}

impl Flag {
    fn new(r: Rule, text: impl Into<String>) -> Flag {
        Flag { rule: r.id, clause: r.clause, text: text.into() }
    }
}

/// A park that could take the project, with its place in the ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranked {
    /// 1 for the best.
    pub rank: usize,
    /// Park id.
    pub park_id: String,
    /// Park name.
    pub park_name: Option<String>,
    /// County adcode.
    pub county_adcode: Option<String>,
    /// County name.
    pub county_name: Option<String>,
    /// League adcode.
    pub league_adcode: Option<String>,
    /// Leading industries.
    pub leading_industries: Vec<String>,
    /// How they fit the project.
    pub fit: Fit,
    /// The matching industry, or the complementary pair `project↔park`.
    pub fit_detail: Option<String>,
    /// Geodesic distance from the site to the park (0 inside), metres.
    pub distance_m: f64,
    /// The park's point nearest the site, [lon, lat].
    pub nearest_point: [f64; 2],
    /// In the county the site lies in.
    pub in_site_county: bool,
    /// Under-performing (E12); `None` when not judged.
    pub underperforming: Option<bool>,
    /// Grade, if scored.
    pub grade: Option<Grade>,
    /// Role in the consolidation plan.
    pub role: Option<Role>,
    /// The park it is to merge into.
    pub merge_into: Option<String>,
    /// What the planner should know (E12, C1, C4, C3).
    pub flags: Vec<Flag>,
}

/// A park that refuses the project, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Refused {
    /// Park id.
    pub park_id: String,
    /// Park name.
    pub park_name: Option<String>,
    /// Rule id (P3).
    pub rule: &'static str,
    /// Its leading industries.
    pub leading_industries: Vec<String>,
}

/// Where the site lies.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Site {
    /// [lon, lat].
    pub at: [f64; 2],
    /// County adcode, if a counties layer holds the site.
    pub county_adcode: Option<String>,
    /// County name.
    pub county_name: Option<String>,
    /// League adcode.
    pub league_adcode: Option<String>,
    /// League name.
    pub league_name: Option<String>,
}

/// One amount split between the two areas.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Parts {
    /// The whole amount.
    pub total: Wan,
    /// Credited to the recommending area.
    pub recommending: Wan,
    /// Credited to the receiving area.
    pub receiving: Wan,
}

/// The P5 split of the project's output value and tax.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Split {
    /// The recommending area's share.
    pub recommending_share: Decimal,
    /// The receiving area's share (1 − the other).
    pub receiving_share: Decimal,
    /// The recommending area: the site's county.
    pub recommending_county: Option<String>,
    /// The receiving park: the first ranked.
    pub receiving_park_id: Option<String>,
    /// The receiving area: that park's county.
    pub receiving_county: Option<String>,
    /// Output value.
    pub output: Option<Parts>,
    /// Tax.
    pub tax: Option<Parts>,
}

/// The project as echoed in the answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProjectOut {
    /// Industry.
    pub industry: String,
    /// Investment.
    pub investment_wan: Wan,
    /// Expected output value.
    pub output_wan: Option<Wan>,
    /// Expected tax.
    pub tax_wan: Option<Wan>,
    /// Hazardous-chemical production (P3).
    pub hazardous_chemicals: bool,
    /// P4 sector, if any.
    pub p4_sector: Option<String>,
    /// T2 contact tier.
    pub contact_tier: ContactTier,
}

/// What `yuanqu place` answers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placement {
    /// The project.
    pub project: ProjectOut,
    /// Where the site lies.
    pub site: Site,
    /// The parks that could take it, best first.
    pub ranking: Vec<Ranked>,
    /// The parks that refuse it (P3).
    pub refused: Vec<Refused>,
    /// Out-of-scope parks (S2), not considered.
    pub out_of_scope: Vec<String>,
    /// The split, with `--split`.
    pub split: Option<Split>,
    /// T2, P3, P4, P5, S2 findings about the project.
    pub findings: Vec<Finding>,
    /// Why the site map asked for (`--map`) was not drawn, if it was not
    /// (no CJK font, say); the ranking stands without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_error: Option<String>,
}

impl Placement {
    /// 0 when some park can take the project, 1 when none can.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.ranking.is_empty())
    }
}

/// Runs `yuanqu place`: the whole analysis (as `analyze`, writing nothing),
/// then [`rank`].
pub fn place(o: &PlaceOptions) -> Result<Placement, PlanError> {
    o.project.check()?;
    let req = o.inputs.request()?;
    let (analysis, evaluation, plan) = crate::commands::run_all(&req)?;
    let st = standings(&evaluation, &plan);
    let mut placement = rank(
        &analysis.parks,
        &analysis.counties,
        &st,
        &o.project,
        &req.config.merge.complementary,
        &req.config.enterprises,
    );
    // (with no park to take the project there is nothing to map: the answer says so)
    if let (Some(png), false) = (&o.map, placement.ranking.is_empty()) {
        let run_date = crate::commands::timestamp()[..10].to_owned();
        let data = crate::output::map_data::graded(&analysis, &evaluation, &plan, &run_date);
        // the ranking stands without its map: the caller says both
        if let Err(e) = crate::maps::render_placement_sheet(&data, &site_map(&placement, &run_date), &req.config.maps)
            .and_then(|r| r.write(png, &png.with_extension("svg")))
        {
            placement.map_error = Some(PlanError::Map(e).to_string());
        }
    }
    Ok(placement)
}

/// Parks drawn on the site map: the best-ranked ones.
pub const MAPPED: usize = 5;

/// The site map's content: the site, the [`MAPPED`] best-ranked parks with
/// their distances, the project and the ranking.
pub fn site_map(p: &Placement, run_date: &str) -> crate::maps::MapPlacement {
    let pt = |c: [f64; 2]| geo::Coord { x: c[0], y: c[1] };
    let top = &p.ranking[..p.ranking.len().min(MAPPED)];
    let fit = |f: Fit| match f {
        Fit::Match => "主导产业一致",
        Fit::Complementary => "产业互补",
        Fit::None => "产业不同",
    };
    let name = |r: &Ranked| r.park_name.clone().unwrap_or_else(|| r.park_id.clone());
    let county = p.site.county_name.clone().or(p.site.county_adcode.clone()).unwrap_or_else(|| "未知".into());
    let mut summary = vec![
        ("产业".to_string(), p.project.industry.clone()),
        ("固定资产投资".into(), p.project.investment_wan.to_string()),
        ("选址".into(), format!("{:.5}°E, {:.5}°N（{county}）", p.site.at[0], p.site.at[1])),
        ("危险化学品（P3）".into(), if p.project.hazardous_chemicals { "是".into() } else { "否".into() }),
        ("可承接园区".into(), format!("{} 个（另有 {} 个因 P3 不接收）", p.ranking.len(), p.refused.len())),
    ];
    if let Some(s) = &p.project.p4_sector {
        summary.push(("P4 行业".into(), s.clone()));
    }
    crate::maps::MapPlacement {
        site: pt(p.site.at),
        ranked: top.iter().map(|r| (r.park_id.clone(), pt(r.nearest_point), r.distance_m)).collect(),
        title: (
            format!("项目选址建议：{}", p.project.industry),
            format!("选址 {:.5}°E, {:.5}°N　·　制图日期：{run_date}", p.site.at[0], p.site.at[1]),
        ),
        summary,
        table: top
            .iter()
            .map(|r| {
                let d = crate::maps::distance_zh(r.distance_m);
                (r.rank.to_string(), format!("{}（{}）", name(r), r.park_id), format!("{d} · {}", fit(r.fit)))
            })
            .collect(),
    }
}

/// Ranks `parks` for the project (see the module docs for the order) and
/// makes the findings about the project.
pub fn rank(
    parks: &[Park],
    counties: &[County],
    standing: &BTreeMap<String, Standing>,
    project: &Project,
    complementary: &[(String, String)],
    industries: &EnterpriseConfig,
) -> Placement {
    let industry = project.industry.trim().to_owned();
    let site = site_of(project.at, counties);
    let mut findings = Vec::new();
    let tier = contact_tier(project.investment);
    findings.push(tier_finding(project.investment, tier));
    let sector = p4_sector(&industry, industries);
    if let Some(s) = &sector {
        findings.push(Finding::new(
            rules::P4,
            Severity::Warning,
            format!(
                "{industry} is a {s} project: new projects in steel, electrolytic aluminium, calcium carbide, \
                 ferroalloy, coking and cement must reach the national advanced standards (energy use, emissions, \
                 technology); review it against them before approval"
            ),
        ));
    }
    if !project.hazardous_chemicals && is_chemical(&industry, industries) {
        findings.push(Finding::new(
            rules::P3,
            Severity::Info,
            format!(
                "{industry} is a chemical industry: if the project produces hazardous chemicals (危险化学品), give \
                 --hazardous-chemicals so that parks without a chemical leading industry refuse it"
            ),
        ));
    }

    let out_of_scope: Vec<String> = parks.iter().filter(|p| !p.in_scope).map(|p| p.park_id.clone()).collect();
    let mut refused = Vec::new();
    let mut ranked = Vec::new();
    for p in parks.iter().filter(|p| p.in_scope) {
        if project.hazardous_chemicals && !p.leading_industries.iter().any(|i| is_chemical(i, industries)) {
            refused.push(Refused {
                park_id: p.park_id.clone(),
                park_name: p.park_name.clone(),
                rule: rules::P3.id,
                leading_industries: p.leading_industries.clone(),
            });
            continue;
        }
        let Some(c) = closest_point_to(project.at, &p.geom) else { continue };
        let (fit, fit_detail) = fit(&industry, &p.leading_industries, complementary);
        let st = standing.get(&p.park_id).cloned().unwrap_or_default();
        ranked.push(Ranked {
            rank: 0,
            park_id: p.park_id.clone(),
            park_name: p.park_name.clone(),
            county_adcode: p.county_adcode.clone(),
            county_name: p.county_name.clone().or_else(|| {
                let code = p.county_adcode.as_deref()?;
                counties.iter().find(|c| c.adcode == code).and_then(|c| c.name.clone())
            }),
            league_adcode: p.league_adcode.clone(),
            leading_industries: p.leading_industries.clone(),
            fit,
            fit_detail,
            distance_m: round_to(c.distance.0, 3),
            nearest_point: [round_to(c.on_b.x, COORD_DECIMALS), round_to(c.on_b.y, COORD_DECIMALS)],
            in_site_county: site.county_adcode.is_some() && site.county_adcode == p.county_adcode,
            flags: flags(&st),
            underperforming: st.underperforming,
            grade: st.grade,
            role: st.role,
            merge_into: st.merge_into,
        });
    }
    ranked.sort_by(|a, b| {
        (a.fit, a.distance_m, &a.park_id)
            .partial_cmp(&(b.fit, b.distance_m, &b.park_id))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = i + 1;
    }

    if !out_of_scope.is_empty() {
        findings.push(Finding::new(
            rules::S2,
            Severity::Info,
            format!(
                "{} out-of-scope park(s) (logistics parks, customs zones) are not industrial parks and are not \
                 considered: {}",
                out_of_scope.len(),
                out_of_scope.join(", ")
            ),
        ));
    }
    if project.hazardous_chemicals {
        findings.push(Finding::new(
            rules::P3,
            if ranked.is_empty() { Severity::Violation } else { Severity::Info },
            format!(
                "a hazardous-chemical production project: {} park(s) whose leading industries include no chemical \
                 industry (a name with {}) refuse it{}",
                refused.len(),
                industries.chemical_industry_keywords.join(" / "),
                if ranked.is_empty() { "; no park can take it" } else { "" }
            ),
        ));
    } else if ranked.is_empty() {
        findings.push(Finding::new(rules::P5, Severity::Violation, "no in-scope park to take the project"));
    }
    if site.county_adcode.is_none() {
        findings.push(Finding::new(
            rules::P5,
            Severity::Warning,
            format!(
                "the site ({:.6}, {:.6}) lies in no county of the counties layer (or there is none): the \
                 recommending area cannot be named; add counties.geojson to the layers folder",
                project.at.x, project.at.y
            ),
        ));
    }
    let split = project.split.map(|share| {
        let first = ranked.first();
        let s = Split {
            recommending_share: share,
            receiving_share: (Decimal::ONE - share).normalize(),
            recommending_county: site.county_adcode.clone(),
            receiving_park_id: first.map(|r| r.park_id.clone()),
            receiving_county: first.and_then(|r| r.county_adcode.clone()),
            output: project.output.map(|t| parts(t, share)),
            tax: project.tax.map(|t| parts(t, share)),
        };
        findings.push(split_finding(&s, first));
        s
    });
    Placement {
        project: ProjectOut {
            industry,
            investment_wan: project.investment,
            output_wan: project.output,
            tax_wan: project.tax,
            hazardous_chemicals: project.hazardous_chemicals,
            p4_sector: sector,
            contact_tier: tier,
        },
        site,
        ranking: ranked,
        refused,
        out_of_scope,
        split,
        findings,
        map_error: None,
    }
}

fn parts(total: Wan, share: Decimal) -> Parts {
    let (recommending, receiving) = split(total, share);
    Parts { total, recommending, receiving }
}

/// The fit of a park's leading industries with the project's industry.
fn fit(industry: &str, leading: &[String], complementary: &[(String, String)]) -> (Fit, Option<String>) {
    if leading.iter().any(|l| l.trim() == industry) {
        return (Fit::Match, Some(industry.to_owned()));
    }
    match chain_fit(&[industry.to_owned()], leading, complementary) {
        Some(pair) => (Fit::Complementary, Some(pair)),
        None => (Fit::None, None),
    }
}

fn flags(st: &Standing) -> Vec<Flag> {
    let mut out = Vec::new();
    if st.underperforming == Some(true) {
        out.push(Flag::new(
            rules::E12,
            "under-performing: its investment intensity or output efficiency is below the required level",
        ));
    }
    match (st.role, &st.merge_into) {
        (Some(Role::Source { reason }), into) => {
            let rule = if reason == rules::C4.id { rules::C4 } else { rules::C1 };
            let why = if rule == rules::C4 { "its county is over its park quota" } else { "it is under-performing" };
            out.push(Flag::new(
                rule,
                match into {
                    Some(to) => {
                        format!("marked to merge into {to} ({why}): place the project with the receiver instead?")
                    }
                    None => {
                        format!("marked to merge ({why}) but no park can receive it: candidate for withdrawal (撤销)")
                    }
                },
            ));
        }
        (Some(Role::KeptNotReceiving), _) => out.push(Flag::new(
            rules::C3,
            "mostly inside prohibited development zones (Z2): kept, but receives no merged park",
        )),
        _ => {}
    }
    out
}

/// The county holding the site (first in layer order), if any.
fn site_of(at: Coord<f64>, counties: &[County]) -> Site {
    let c = counties.iter().find(|c| c.geom.intersects(&Point::from(at)));
    Site {
        at: [at.x, at.y],
        county_adcode: c.map(|c| c.adcode.clone()),
        county_name: c.and_then(|c| c.name.clone()),
        league_adcode: c.and_then(|c| c.parent_adcode.clone()),
        league_name: c.and_then(|c| c.parent_name.clone()),
    }
}

fn tier_finding(investment: Wan, tier: ContactTier) -> Finding {
    let (band, who) = match tier {
        ContactTier::Region => ("50亿元 or more (≥ 500000 万元)", "the autonomous-region government"),
        ContactTier::League => ("from 10亿 to under 50亿元 (100000 to < 500000 万元)", "the league/city government"),
        ContactTier::County => ("under 10亿元 (< 100000 万元)", "the county government"),
    };
    Finding::new(rules::T2, Severity::Info, format!("investment {investment} is {band}: the contact is {who}"))
}

fn split_finding(s: &Split, first: Option<&Ranked>) -> Finding {
    let amount = |name: &str, p: &Option<Parts>| {
        p.map(|p| format!("; {name} {} → {} / {}", p.total, p.recommending, p.receiving)).unwrap_or_default()
    };
    let area = |c: &Option<String>| c.clone().unwrap_or_else(|| "unknown".into());
    let same = first.is_some_and(|r| r.in_site_county);
    Finding::new(
        rules::P5,
        Severity::Info,
        format!(
            "split {} to the recommending area (county {}, the site's) and {} to the receiving area (county {}{}){}{}{}",
            s.recommending_share,
            area(&s.recommending_county),
            s.receiving_share,
            area(&s.receiving_county),
            s.receiving_park_id.as_deref().map(|p| format!(", park {p}")).unwrap_or_default(),
            amount("output value", &s.output),
            amount("tax", &s.tax),
            if same {
                ". The first-ranked park is in the site's own county: no split between areas is needed"
            } else if first.is_none() {
                ". No park can take the project, so there is no receiving area"
            } else {
                ""
            }
        ),
    )
}

impl Placement {
    /// The answer as text: the project, the findings (rule and clause
    /// first), the first `top` parks of the ranking with their flags.
    pub fn to_text(&self, top: usize) -> String {
        let mut s = String::new();
        let p = &self.project;
        let _ = writeln!(
            s,
            "project {} at ({:.6}, {:.6}): investment {}{}{}{}",
            p.industry,
            self.site.at[0],
            self.site.at[1],
            p.investment_wan,
            p.output_wan.map(|w| format!(", output value {w}")).unwrap_or_default(),
            p.tax_wan.map(|w| format!(", tax {w}")).unwrap_or_default(),
            if p.hazardous_chemicals { ", hazardous-chemical production" } else { "" }
        );
        let _ = writeln!(
            s,
            "site in county {} {}, league {} {}",
            self.site.county_adcode.as_deref().unwrap_or("?"),
            self.site.county_name.as_deref().unwrap_or(""),
            self.site.league_adcode.as_deref().unwrap_or("?"),
            self.site.league_name.as_deref().unwrap_or("")
        );
        s.push('\n');
        for f in &self.findings {
            let _ = writeln!(s, "{f}");
        }
        let p5 = format!("{} [{}]", rules::P5.id, rules::P5.clause);
        let _ = writeln!(
            s,
            "\nparks that could take it ({p5}: leading-industry match first, then complementary (C2 [{}]), then the \
             rest; each by geodesic distance from the site):",
            rules::C2.clause
        );
        if self.ranking.is_empty() {
            let _ = writeln!(s, "  none");
        }
        for r in self.ranking.iter().take(top) {
            let fit = match (r.fit, &r.fit_detail) {
                (Fit::Match, Some(d)) => format!("match {d}"),
                (Fit::Complementary, Some(d)) => format!("complementary {d}"),
                _ => "no fit".to_owned(),
            };
            let _ = writeln!(
                s,
                "{:>3}. {p5} {} {} ({} {}{}): {fit}, {}; leading industries {}{}",
                r.rank,
                r.park_id,
                r.park_name.as_deref().unwrap_or(""),
                r.county_adcode.as_deref().unwrap_or("?"),
                r.county_name.as_deref().unwrap_or(""),
                if r.in_site_county { ", the site's county" } else { "" },
                if r.distance_m == 0.0 { "site inside".to_owned() } else { distance_text(r.distance_m) },
                if r.leading_industries.is_empty() {
                    "none given".to_owned()
                } else {
                    r.leading_industries.join("、")
                },
                r.grade.map(|g| format!(", grade {}", g.as_str())).unwrap_or_default()
            );
            for f in &r.flags {
                let _ = writeln!(s, "       flag {} [{}] {}", f.rule, f.clause, f.text);
            }
        }
        if self.ranking.len() > top {
            let _ = writeln!(s, "     … {} more (--top N, or --json for all)", self.ranking.len() - top);
        }
        if !self.refused.is_empty() {
            let ids: Vec<&str> = self.refused.iter().map(|r| r.park_id.as_str()).collect();
            let _ = writeln!(
                s,
                "\nrefused ({} [{}], no chemical leading industry): {}",
                rules::P3.id,
                rules::P3.clause,
                ids.join(", ")
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ScopeConfig;
    use crate::model::{Block, Origin};
    use geo::{polygon, MultiPolygon};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn w(s: &str) -> Wan {
        parse_wan(s).unwrap()
    }

    #[test]
    fn t2_boundaries_are_read_as_the_policy_reads_them() {
        // exactly 10亿 is league/city, a fen less is county
        assert_eq!(contact_tier(w("100000")), ContactTier::League);
        assert_eq!(contact_tier(w("99999.999999")), ContactTier::County);
        // exactly 50亿 is the region ("50亿以上" includes it), a fen less is league/city
        assert_eq!(contact_tier(w("500000")), ContactTier::Region);
        assert_eq!(contact_tier(w("499999.999999")), ContactTier::League);
        assert_eq!(contact_tier(w("0")), ContactTier::County);
        assert_eq!(contact_tier(w("12000000")), ContactTier::Region);
    }

    #[test]
    fn money_is_parsed_exactly_to_the_fen() {
        assert_eq!(w("120000").0, d("120000"));
        assert_eq!(w(" 3.500 ").0, d("3.5"));
        assert_eq!(w("0.000001").0, d("0.000001")); // one fen
                                                    // 0.1 + 0.2 is 0.3 here, unlike f64
        assert_eq!(w("0.1").0 + w("0.2").0, d("0.3"));
        assert!(parse_wan("0.0000001").unwrap_err().contains("finer than a fen"));
        assert!(parse_wan("-5").unwrap_err().contains("negative"));
        assert!(parse_wan("1e5").is_err());
        assert!(parse_wan("12万").is_err());
        assert!(parse_wan("").is_err());
        assert_eq!(w("2.0000000").0, d("2")); // trailing zeros are not finer than a fen
    }

    #[test]
    fn shares_and_sites_are_checked() {
        assert_eq!(parse_share("0.3").unwrap(), d("0.3"));
        assert_eq!(parse_share("30%").unwrap(), d("0.3"));
        assert_eq!(parse_share("1").unwrap(), Decimal::ONE);
        assert!(parse_share("1.01").is_err());
        assert!(parse_share("-0.1").is_err());
        assert!(parse_share("abc").is_err());
        assert_eq!(parse_lon_lat("111.65, 40.82").unwrap(), Coord { x: 111.65, y: 40.82 });
        assert!(parse_lon_lat("40.82,111.65").unwrap_err().contains("swapped"));
        assert!(parse_lon_lat("111.65").is_err());
        assert!(parse_lon_lat("111,40,3").is_err());
        assert!(parse_lon_lat("NaN,40").is_err());
        assert!(parse_lon_lat("200,40").is_err());
    }

    /// Worked on paper: 12345.678901 × 0.3 = 3703.7036703 → 3703.703670 to
    /// the fen (the 7th decimal, 3, rounds down); the rest 8641.975231.
    /// 5 fen at one half: 2.5 fen rounds away from zero to 3 fen, 2 fen remain.
    #[test]
    fn the_split_is_exact_to_the_fen_and_adds_up() {
        let (a, b) = split(w("12345.678901"), d("0.3"));
        assert_eq!((a.0, b.0), (d("3703.70367"), d("8641.975231")));
        let (a, b) = split(w("0.000005"), d("0.5"));
        assert_eq!((a.0, b.0), (d("0.000003"), d("0.000002")));
        let (a, b) = split(w("100"), d("0.3333333"));
        assert_eq!((a.0, b.0), (d("33.33333"), d("66.66667")));
        for (t, s) in [("1", "0"), ("1", "1"), ("0.000001", "0.5"), ("9999999.999999", "0.123456789")] {
            let (a, b) = split(w(t), d(s));
            assert_eq!(a.0 + b.0, w(t).0, "{t} × {s}");
            assert!(a.0.scale() <= FEN_DECIMALS && b.0.scale() <= FEN_DECIMALS);
        }
        assert_eq!(w("3703.70367").to_string(), "3703.70367 万元");
    }

    #[test]
    fn chemical_and_p4_names() {
        let cfg = EnterpriseConfig::default();
        for c in ["现代煤化工", "氯碱化工", "精细化工", "石油化工", "化学原料和化学制品制造业", "Chemicals", "化学试剂"]
        {
            assert!(is_chemical(c, &cfg), "{c}");
        }
        for c in ["新材料", "生物医药", "稀土新材料", "冶金", ""] {
            assert!(!is_chemical(c, &cfg), "{c}");
        }
        assert_eq!(p4_sector("钢铁", &cfg).as_deref(), Some("steel 钢铁"));
        assert_eq!(p4_sector("电解铝", &cfg).as_deref(), Some("electrolytic aluminium 电解铝"));
        assert_eq!(p4_sector("电石", &cfg).as_deref(), Some("calcium carbide 电石"));
        assert_eq!(p4_sector("硅铁", &cfg).as_deref(), Some("ferroalloy 铁合金"));
        assert_eq!(p4_sector("焦化", &cfg).as_deref(), Some("coking 焦化"));
        assert_eq!(p4_sector("水泥", &cfg).as_deref(), Some("cement 水泥"));
        assert_eq!(p4_sector("Cement clinker", &cfg).as_deref(), Some("cement 水泥"));
        assert_eq!(p4_sector("新材料", &cfg).as_deref(), None);
        assert_eq!(p4_sector("有色金属", &cfg).as_deref(), None);
        // the configuration decides, for `place` as for the screening
        let own = EnterpriseConfig {
            chemical_industry_keywords: vec!["煤化".into()],
            p4_industry_keywords: vec!["多晶硅".into()],
            ..EnterpriseConfig::default()
        };
        assert!(is_chemical("现代煤化工", &own) && !is_chemical("精细化工", &own));
        assert_eq!(p4_sector("多晶硅", &own).as_deref(), Some("多晶硅"));
        assert_eq!(p4_sector("钢铁", &own), None);
    }

    fn park(id: &str, county: &str, industries: &str, x0: f64, y0: f64, park_type: &str) -> Block {
        let geom: MultiPolygon<f64> = MultiPolygon(vec![polygon![
            (x: x0, y: y0), (x: x0 + 0.01, y: y0), (x: x0 + 0.01, y: y0 + 0.01), (x: x0, y: y0 + 0.01), (x: x0, y: y0)
        ]]);
        Block {
            origin: Origin { file: "t".into(), feature: 0 },
            park_id: id.into(),
            block_id: format!("{id}-1"),
            park_name: None,
            block_no: None,
            block_name: None,
            park_type: Some(park_type.into()),
            county_adcode: Some(county.into()),
            county_name: None,
            league_adcode: Some(format!("{}00", &county[..4])),
            league_name: None,
            leading_industries: crate::model::split_industries(industries),
            established_year: None,
            approved_area_mu: None,
            builtup_mu_declared: None,
            geom,
        }
    }

    /// Site (110.005, 40.05). Parks are 0.01° squares whose top edge is at
    /// 40.01 (A, D, E, F), 40.03 (B) or 40.04 (C), centred on the site's
    /// meridian, so each distance is the meridian arc from the top edge to
    /// 40.05: 4441 m (40.01), 2221 m (40.03), 1110 m (40.04). So:
    /// 1. A 新材料, match, 4441 m;
    /// 2. E 新材料、氯碱化工, match, 4441 m (a tie to the mm with A: park id);
    /// 3. D 稀土新材料, complementary via the listed pair, 4441 m;
    /// 4. C 冶金, no fit, 1110 m;
    /// 5. B 乳制品加工, no fit, 2221 m.
    ///
    /// F is a logistics park (S2): left out. With a hazardous-chemical
    /// project only E (氯碱化工) takes it.
    #[test]
    fn a_hand_worked_ranking() {
        let blocks = vec![
            park("A", "150602", "新材料", 110.0, 40.0, "自治区级工业园区"),
            park("B", "150602", "乳制品加工", 110.0, 40.02, "自治区级工业园区"),
            park("C", "150603", "冶金", 110.0, 40.03, "自治区级工业园区"),
            park("D", "150603", "稀土新材料", 110.0, 40.0, "自治区级工业园区"),
            park("E", "150621", "新材料、氯碱化工", 110.0, 40.0, "自治区级工业园区"),
            park("F", "150621", "新材料", 110.0, 40.0, "物流园区"),
        ];
        let (parks, _) = crate::parks::group(&blocks, &ScopeConfig::default());
        let pairs = vec![("稀土新材料".to_string(), "新材料".to_string())];
        let mut st = BTreeMap::new();
        st.insert(
            "A".to_string(),
            Standing {
                underperforming: Some(true),
                role: Some(Role::Source { reason: "C1" }),
                merge_into: Some("E".into()),
                ..Default::default()
            },
        );
        let project = Project {
            industry: " 新材料 ".into(),
            at: Coord { x: 110.005, y: 40.05 },
            investment: w("100000"),
            output: Some(w("12345.678901")),
            tax: None,
            split: Some(d("0.3")),
            hazardous_chemicals: false,
        };
        let r = rank(&parks, &[], &st, &project, &pairs, &EnterpriseConfig::default());
        let order: Vec<(&str, Fit)> = r.ranking.iter().map(|x| (x.park_id.as_str(), x.fit)).collect();
        assert_eq!(
            order,
            vec![("A", Fit::Match), ("E", Fit::Match), ("D", Fit::Complementary), ("C", Fit::None), ("B", Fit::None)]
        );
        let dist: Vec<f64> = r.ranking.iter().map(|x| x.distance_m).collect();
        assert!((dist[0] - 4_441.408).abs() < 0.01 && dist[0] == dist[1] && dist[1] == dist[2], "{dist:?}");
        assert!((dist[3] - 1_110.351).abs() < 0.01 && (dist[4] - 2_220.7).abs() < 0.1, "{dist:?}");
        assert_eq!(r.ranking[2].fit_detail.as_deref(), Some("新材料↔稀土新材料"));
        assert_eq!(r.out_of_scope, vec!["F"]);
        let flags: Vec<&str> = r.ranking[0].flags.iter().map(|f| f.rule).collect();
        assert_eq!(flags, vec!["E12", "C1"]);
        assert!(r.ranking[0].flags[1].text.contains("merge into E"));
        assert_eq!(r.project.contact_tier, ContactTier::League);
        let s = r.split.as_ref().unwrap();
        assert_eq!(s.receiving_park_id.as_deref(), Some("A"));
        assert_eq!(s.output.unwrap().recommending.0, d("3703.70367"));
        assert_eq!(s.output.unwrap().receiving.0, d("8641.975231"));
        assert_eq!(s.receiving_share, d("0.7"));
        assert_eq!(r.exit_code(), 0);
        let text = r.to_text(10);
        assert!(text.contains("info T2 [§6 clause 17]"), "{text}");
        assert!(text.contains("flag C1 [§1 clause 4, Annex 1 §3.3] marked to merge into E"), "{text}");

        let hazardous = Project { hazardous_chemicals: true, split: None, ..project.clone() };
        let r = rank(&parks, &[], &st, &hazardous, &pairs, &EnterpriseConfig::default());
        assert_eq!(r.ranking.iter().map(|x| x.park_id.as_str()).collect::<Vec<_>>(), vec!["E"]);
        assert_eq!(r.refused.iter().map(|x| x.park_id.as_str()).collect::<Vec<_>>(), vec!["A", "B", "C", "D"]);

        // no chemical park left: nobody can take it, exit 1
        let r = rank(&parks[..4], &[], &st, &hazardous, &pairs, &EnterpriseConfig::default());
        assert!(r.ranking.is_empty());
        assert_eq!(r.exit_code(), 1);
        assert!(r.findings.iter().any(|f| f.rule == "P3" && f.severity == Severity::Violation));
    }

    #[test]
    fn a_p4_project_is_flagged_and_a_split_needs_amounts() {
        let project = Project {
            industry: "硅铁".into(),
            at: Coord { x: 110.0, y: 40.0 },
            investment: w("500000"),
            output: None,
            tax: None,
            split: Some(d("0.3")),
            hazardous_chemicals: false,
        };
        assert!(matches!(project.check(), Err(PlanError::Usage(_))));
        let r =
            rank(&[], &[], &BTreeMap::new(), &Project { split: None, ..project }, &[], &EnterpriseConfig::default());
        assert_eq!(r.project.p4_sector.as_deref(), Some("ferroalloy 铁合金"));
        assert_eq!(r.project.contact_tier, ContactTier::Region);
        assert!(r.findings.iter().any(|f| f.rule == "P4" && f.severity == Severity::Warning));
    }
}
