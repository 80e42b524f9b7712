//! P3 hazardous chemicals and P4 high-energy sectors: POLICY.md §2 clause 7.
//!
//! The clause: 提高钢铁、电解铝、电石、铁合金、焦化、水泥等高耗能、高排放行业新上项目准入
//! 条件，原则上须达到国家先进标准 … 工业园区主导产业中不包含化工行业的，一律不得引进危险化学品
//! 生产项目.
//!
//! * P3: a row producing hazardous chemicals (`hazardous_chemicals` = true)
//!   whose park's leading industries include no chemical industry:
//!   violation, for projects and enterprises alike (an enterprise is a
//!   production project already brought in). A leading industry is chemical
//!   when its name contains one of `chemical_industry_keywords` (default
//!   [`CHEMICAL_KEYWORDS`]: 化工, 石化, 化学, chemical). A chemical park needs
//!   no `hazardous_chemicals` cell; a park that declares no leading industry
//!   cannot be judged (P1).
//! * P4: an `industry` containing one of `p4_industry_keywords` (default the
//!   words of the policy's six sectors, [`P4_SECTORS`]: 钢铁, 电解铝, 电石,
//!   铁合金 and its products, 焦化/焦炭, 水泥) is flagged for review:
//!   a project (新上项目) must reach national advanced standards (warning); an
//!   existing enterprise is listed for the record (info). Matching is by
//!   substring, so 水泥制品 (cement products) is flagged too: a reviewer's
//!   call, not the tool's.
//!
//! Keywords match case-insensitively. `yuanqu place` judges P3 and P4 by the
//! same keywords and functions, so a project and an enterprise of the same
//! industry are judged alike.

use super::table::{Entry, Kind};
use super::{EnterpriseConfig, EnterpriseFinding, Outcome, ParkSite};
use crate::findings::Severity;
use crate::rules::{P3, P4};

/// P3's default keywords (`chemical_industry_keywords`): a leading industry
/// whose name contains one is a chemical industry (化工行业): 现代煤化工,
/// 氯碱化工, 精细化工 (化工), 石化, the statistical class
/// 化学原料和化学制品制造业 and 化学试剂 (化学), or the English word.
pub const CHEMICAL_KEYWORDS: &[&str] = &["化工", "石化", "化学", "chemical"];

/// P4's sectors, the policy's list, and the words in an industry name that
/// mark each; `p4_industry_keywords` defaults to all their words.
/// Ferroalloys name their products (硅铁, 硅锰 …), as Inner Mongolia's
/// ferroalloy plants do.
pub const P4_SECTORS: &[(&str, &[&str])] = &[
    ("steel 钢铁", &["钢铁", "炼钢", "炼铁", "特钢", "不锈钢", "steel"]),
    ("electrolytic aluminium 电解铝", &["电解铝", "electrolytic alumin"]),
    ("calcium carbide 电石", &["电石", "calcium carbide"]),
    ("ferroalloy 铁合金", &["铁合金", "硅铁", "硅锰", "锰硅", "锰铁", "铬铁", "ferroalloy", "ferro-alloy"]),
    ("coking 焦化", &["焦化", "焦炭", "炼焦", "coking", "coke"]),
    ("cement 水泥", &["水泥", "熟料", "cement", "clinker"]),
];

/// The first keyword contained in `name`, if any (case-insensitively).
pub fn matching<'k>(name: &str, keywords: &'k [String]) -> Option<&'k str> {
    let name = name.to_lowercase();
    keywords.iter().map(String::as_str).find(|k| name.contains(&k.to_lowercase()))
}

/// P4: the sector an industry name falls in by `keywords`, named as in
/// [`P4_SECTORS`] (a configured keyword of no listed sector names itself).
pub fn p4_sector(industry: &str, keywords: &[String]) -> Option<String> {
    let k = matching(industry, keywords)?.to_lowercase();
    let sector = P4_SECTORS.iter().find(|(_, words)| words.iter().any(|w| w.to_lowercase() == k));
    Some(sector.map_or(k, |(name, _)| (*name).to_owned()))
}

/// The park's first chemical leading industry, if any.
pub fn chemical_industry<'p>(park: &ParkSite<'p>, cfg: &EnterpriseConfig) -> Option<&'p str> {
    park.leading_industries.iter().map(String::as_str).find(|i| matching(i, &cfg.chemical_industry_keywords).is_some())
}

/// P3 for a row; `park` is its park if known, `unknown_park` when its
/// `park_id` names no analysed park.
pub fn p3(
    e: &Entry,
    file: &str,
    park: Option<&ParkSite<'_>>,
    unknown_park: bool,
    cfg: &EnterpriseConfig,
) -> Option<EnterpriseFinding> {
    if let Some(p) = park {
        if chemical_industry(p, cfg).is_some() {
            return None;
        }
    }
    if e.hazardous_chemicals == Some(false) {
        return None;
    }
    let who = e.who();
    let not_judged = |why: String| {
        Some(EnterpriseFinding::of(
            e,
            file,
            P3,
            Severity::Info,
            Outcome::NotJudged,
            format!("{who}: P3 not judged: {why}"),
        ))
    };
    let Some(p) = park else {
        let park_why =
            if unknown_park { "its park_id names no park of the parks layer" } else { "park_id not reported" };
        return not_judged(match e.hazardous_chemicals {
            Some(_) => format!("it produces hazardous chemicals, but {park_why}"),
            None => format!("hazardous_chemicals not reported, and {park_why}"),
        });
    };
    let park_name = format!("{}{}", p.park_id, p.park_name.map(|n| format!(" {n}")).unwrap_or_default());
    if p.leading_industries.is_empty() {
        return not_judged(format!(
            "park {park_name} declares no leading industry (P1), so whether it is a chemical park is not known"
        ));
    }
    let leading = p.leading_industries.join("、");
    match e.hazardous_chemicals {
        Some(_) => Some(EnterpriseFinding::of(
            e,
            file,
            P3,
            Severity::Violation,
            Outcome::Flagged,
            format!(
                "{who} produces hazardous chemicals (危险化学品生产) in park {park_name}, whose leading industries \
                 ({leading}) include no chemical industry: such projects may not be brought in"
            ),
        )),
        None => not_judged(format!(
            "hazardous_chemicals not reported, and park {park_name}'s leading industries ({leading}) include no \
             chemical industry"
        )),
    }
}

/// P4 for a row.
pub fn p4(e: &Entry, file: &str, cfg: &EnterpriseConfig) -> Option<EnterpriseFinding> {
    let who = e.who();
    let Some(industry) = e.industry.as_deref() else {
        return Some(EnterpriseFinding::of(
            e,
            file,
            P4,
            Severity::Info,
            Outcome::NotJudged,
            format!("{who}: P4 not judged: industry not reported"),
        ));
    };
    let sector = matching(industry, &cfg.p4_industry_keywords)?;
    let industry = if industry == sector { industry.to_owned() } else { format!("{industry} ({sector})") };
    let (severity, message) = match e.kind {
        Some(Kind::Enterprise) => (
            Severity::Info,
            format!(
                "{who} is in {industry}, a high-energy, high-emission sector: the national advanced standards \
                 bind its new projects; listed for review"
            ),
        ),
        _ => (
            Severity::Warning,
            format!(
                "{who} is a new project in {industry}, a high-energy, high-emission sector: it must reach national \
                 advanced standards (国家先进标准); flagged for review"
            ),
        ),
    };
    Some(EnterpriseFinding::of(e, file, P4, severity, Outcome::Flagged, message))
}
