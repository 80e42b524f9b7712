//! `enterprises.csv`: one row per enterprise or project (DATA.md).
//!
//! Like `stats.csv`, the table is typed in by people, so a bad cell must
//! neither stop the run nor become a value: it is reported (D10, with line
//! and column), treated as not reported, and the rest of the row and of the
//! table is still screened. Only a file that cannot be read as a table at all
//! (not UTF-8, no `enterprise_id` column, a column named twice) is an error.
//!
//! Cells: booleans `true`/`false`, `是`/`否`, `1`/`0` (ASCII case ignored);
//! dates `YYYY-MM-DD` or `YYYY-MM` ([`Day::parse_cell`]); numbers plain
//! decimals without units or thousands separators; empty = not reported.
//! One extension: `stopped_since` may hold a "no" boolean (`否`, `false`,
//! `0`) for "production has not stopped", since a date column cannot
//! otherwise say "never" and an empty cell means "not reported".

use super::date::Day;
use super::EnterpriseFinding;
use crate::findings::{Location, Severity};
use geo::Coord;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A column of `enterprises.csv` (DATA.md), in the order of DATA.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // each variant is the column of the same name
pub enum Column {
    EnterpriseId,
    Name,
    Kind,
    ParkId,
    Industry,
    Lon,
    Lat,
    EstablishedYear,
    StoppedSince,
    LossYears,
    DebtRatioY1,
    DebtRatioY2,
    DebtRatioY3,
    CanServiceDebt,
    RestructuringFit,
    SubsidyDependent,
    EnergyTce,
    OnEnergyPlatform,
    AboveEnergyQuota,
    HazardousChemicals,
    InvestmentWan,
    ApprovedOn,
    StartDeadline,
    Started,
}

impl Column {
    /// Every column, in the order of DATA.md.
    pub const ALL: [Column; 24] = [
        Column::EnterpriseId,
        Column::Name,
        Column::Kind,
        Column::ParkId,
        Column::Industry,
        Column::Lon,
        Column::Lat,
        Column::EstablishedYear,
        Column::StoppedSince,
        Column::LossYears,
        Column::DebtRatioY1,
        Column::DebtRatioY2,
        Column::DebtRatioY3,
        Column::CanServiceDebt,
        Column::RestructuringFit,
        Column::SubsidyDependent,
        Column::EnergyTce,
        Column::OnEnergyPlatform,
        Column::AboveEnergyQuota,
        Column::HazardousChemicals,
        Column::InvestmentWan,
        Column::ApprovedOn,
        Column::StartDeadline,
        Column::Started,
    ];

    /// The column name (DATA.md).
    pub fn name(self) -> &'static str {
        match self {
            Column::EnterpriseId => "enterprise_id",
            Column::Name => "name",
            Column::Kind => "kind",
            Column::ParkId => "park_id",
            Column::Industry => "industry",
            Column::Lon => "lon",
            Column::Lat => "lat",
            Column::EstablishedYear => "established_year",
            Column::StoppedSince => "stopped_since",
            Column::LossYears => "loss_years",
            Column::DebtRatioY1 => "debt_ratio_y1",
            Column::DebtRatioY2 => "debt_ratio_y2",
            Column::DebtRatioY3 => "debt_ratio_y3",
            Column::CanServiceDebt => "can_service_debt",
            Column::RestructuringFit => "restructuring_fit",
            Column::SubsidyDependent => "subsidy_dependent",
            Column::EnergyTce => "energy_tce",
            Column::OnEnergyPlatform => "on_energy_platform",
            Column::AboveEnergyQuota => "above_energy_quota",
            Column::HazardousChemicals => "hazardous_chemicals",
            Column::InvestmentWan => "investment_wan",
            Column::ApprovedOn => "approved_on",
            Column::StartDeadline => "start_deadline",
            Column::Started => "started",
        }
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An enterprise or a project (`kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `enterprise` (企业): B1, B3, B4 apply.
    Enterprise,
    /// `project` (项目): B2 applies.
    Project,
}

impl Kind {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Enterprise => "enterprise",
            Kind::Project => "project",
        }
    }
}

/// `stopped_since`: when production stopped, or that it has not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Stopped since this day (a month is its last day).
    Since(Day),
    /// The cell says "no": production has not stopped.
    No,
}

/// One usable row. `None` = not reported (empty, unusable, or no such column).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    /// One-based line of the row in the file (the header is line 1).
    pub line: usize,
    /// `enterprise_id` (never empty).
    pub enterprise_id: String,
    /// `name`.
    pub name: Option<String>,
    /// `kind`.
    pub kind: Option<Kind>,
    /// `park_id` as written (it may name no park of the parks layer).
    pub park_id: Option<String>,
    /// `industry`.
    pub industry: Option<String>,
    /// `lon`, `lat` (both usable), lon/lat degrees.
    pub position: Option<Coord<f64>>,
    /// `established_year`.
    pub established_year: Option<i32>,
    /// `stopped_since`.
    pub stopped: Option<Stopped>,
    /// `loss_years`: consecutive loss-making years up to the as-of date.
    pub loss_years: Option<u32>,
    /// `debt_ratio_y1..y3`: asset-liability ratio in %, y3 the latest.
    pub debt_ratio: [Option<Decimal>; 3],
    /// `can_service_debt`.
    pub can_service_debt: Option<bool>,
    /// `restructuring_fit`.
    pub restructuring_fit: Option<bool>,
    /// `subsidy_dependent`.
    pub subsidy_dependent: Option<bool>,
    /// `energy_tce`: energy use per year, tonnes of standard coal.
    pub energy_tce: Option<Decimal>,
    /// `on_energy_platform`.
    pub on_energy_platform: Option<bool>,
    /// `above_energy_quota`.
    pub above_energy_quota: Option<bool>,
    /// `hazardous_chemicals`: produces hazardous chemicals.
    pub hazardous_chemicals: Option<bool>,
    /// `investment_wan`, 万元.
    pub investment_wan: Option<Decimal>,
    /// `approved_on`.
    pub approved_on: Option<Day>,
    /// `start_deadline`.
    pub start_deadline: Option<Day>,
    /// `started`.
    pub started: Option<bool>,
}

impl Entry {
    /// "enterprise E0001 某某公司", as messages name a row.
    pub fn who(&self) -> String {
        let kind = self.kind.map_or("row", Kind::as_str);
        match &self.name {
            Some(n) => format!("{kind} {} {n}", self.enterprise_id),
            None => format!("{kind} {}", self.enterprise_id),
        }
    }
}

/// The table after reading: usable rows in file order, and what could not be used.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EnterpriseTable {
    /// The file, as named in findings.
    pub file: String,
    /// Data rows read (usable or not).
    pub read: usize,
    /// Usable rows, in file order; rows without an `enterprise_id` and
    /// repeated ids are left out (each with a D10 finding).
    pub rows: Vec<Entry>,
    /// D10 findings: unusable cells and rows, missing columns.
    pub findings: Vec<EnterpriseFinding>,
}

/// A table that cannot be used at all (exit code 2).
#[derive(Clone, Debug, PartialEq)]
pub struct TableError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\nhint: {}", self.file, self.message, self.hint)
    }
}

impl std::error::Error for TableError {}

/// Reads `path` (UTF-8, with or without BOM); see [`parse_table`].
pub fn read_table(path: &Path, rename: &BTreeMap<String, String>) -> Result<EnterpriseTable, TableError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| TableError {
        file: file.clone(),
        message: format!("cannot be read: {e}"),
        hint: "check the path; enterprises.csv is looked for in the layers folder, or give --enterprises FILE".into(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| TableError {
        file: file.clone(),
        message: format!("is not UTF-8 text (first bad byte at offset {})", e.utf8_error().valid_up_to()),
        hint: "a table saved by Excel as GBK/GB18030 must be saved again as \"CSV UTF-8\"".into(),
    })?;
    parse_table(&text, &file, rename)
}

/// Parses the text of `enterprises.csv`; `file` names it in findings.
/// `rename` maps a column's name in DATA.md to its name in the file
/// (`[fields.enterprises] enterprise_id = "QYDM"`).
pub fn parse_table(text: &str, file: &str, rename: &BTreeMap<String, String>) -> Result<EnterpriseTable, TableError> {
    let err = |message: String, hint: &str| TableError { file: file.to_owned(), message, hint: hint.to_owned() };
    let shown = Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or(file).to_owned();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(format!("the header row cannot be read: {e}"), "the first line must name the columns"))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let all_names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
    if let Some(unknown) = rename.keys().find(|k| !all_names.contains(&k.as_str())) {
        return Err(err(
            format!("[fields.enterprises] renames `{unknown}`, which is not a column of enterprises.csv"),
            &format!("correct yuanqu.toml; the columns that can be renamed are: {}", all_names.join(", ")),
        ));
    }
    let name_in_file = |c: Column| rename.get(c.name()).map_or(c.name(), String::as_str);
    if header.iter().all(String::is_empty) {
        return Err(err(
            "is empty: there is no header row".into(),
            &format!("the first line must name the columns: {}", all_names.join(",")),
        ));
    }
    let mut at: BTreeMap<Column, usize> = BTreeMap::new();
    for c in Column::ALL {
        let found: Vec<usize> =
            header.iter().enumerate().filter(|(_, h)| *h == name_in_file(c)).map(|(i, _)| i).collect();
        match found.as_slice() {
            [] => {}
            [i] => {
                at.insert(c, *i);
            }
            [i, j, ..] => {
                return Err(err(
                    format!("column `{}` appears more than once (columns {} and {})", name_in_file(c), i + 1, j + 1),
                    "keep one column of that name",
                ))
            }
        }
    }
    if !at.contains_key(&Column::EnterpriseId) {
        return Err(err(
            format!("has no `{}` column (columns found: {})", name_in_file(Column::EnterpriseId), header.join(", ")),
            &format!(
                "the first line must name the columns of DATA.md: {}; or map the file's own names in yuanqu.toml ([fields.enterprises] enterprise_id = \"QYDM\")",
                all_names.join(",")
            ),
        ));
    }

    let mut table = EnterpriseTable { file: file.to_owned(), ..EnterpriseTable::default() };
    for c in Column::ALL.into_iter().filter(|c| !at.contains_key(c)) {
        table.findings.push(EnterpriseFinding::data(
            Severity::Warning,
            format!(
                "{shown} has no `{}` column: it is not reported for any row, and the rules that need it could not \
                 be judged. Add the column (empty cells are fine)",
                name_in_file(c)
            ),
            Location { file: file.to_owned(), line: Some(1), ..Location::default() },
        ));
    }

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            err(format!("cannot be read as CSV: {e}"), "save the table again as CSV (comma-separated, UTF-8)")
        })?;
        table.read += 1;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let mut row =
            Row { record: &record, at: &at, header: &header, file, shown: &shown, line, findings: Vec::new() };
        let Some(id) = row.text(Column::EnterpriseId) else {
            let f = row.bad(
                Column::EnterpriseId,
                None,
                "has no enterprise_id: the row is not screened. Fill in the id".into(),
            );
            table.findings.push(f);
            continue;
        };
        if let Some(first) = seen.get(&id) {
            let f = row.bad(
                Column::EnterpriseId,
                Some(&id),
                format!(
                    "repeats enterprise_id {id} of line {first}: the row is not screened. Give each row its own id"
                ),
            );
            table.findings.push(f);
            continue;
        }
        seen.insert(id.clone(), line);
        if record.len() != header.len() {
            let what = if record.len() < header.len() {
                "the missing cells are treated as not reported"
            } else {
                "the extra cells are ignored"
            };
            row.findings.push(
                EnterpriseFinding::data(
                    Severity::Warning,
                    format!(
                        "{shown} line {line} has {} cells but the header has {}: {what}. Check for a missing or extra \
                         comma on that line",
                        record.len(),
                        header.len()
                    ),
                    Location { file: file.to_owned(), line: Some(line), ..Location::default() },
                )
                .enterprise(&id),
            );
            let park = row.text(Column::ParkId);
            if let Some(f) = row.findings.last_mut() {
                f.park_id = park;
            }
        }
        let entry = row.entry(id);
        table.findings.append(&mut row.findings);
        table.rows.push(entry);
    }
    Ok(table)
}

/// One record being read: its cells by column, and the findings so far.
struct Row<'a> {
    record: &'a csv::StringRecord,
    at: &'a BTreeMap<Column, usize>,
    header: &'a [String],
    file: &'a str,
    shown: &'a str,
    line: usize,
    findings: Vec<EnterpriseFinding>,
}

impl Row<'_> {
    fn text(&self, c: Column) -> Option<String> {
        self.at.get(&c).and_then(|&i| self.record.get(i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
    }

    fn location(&self, c: Column) -> Location {
        let column = self.at.get(&c).and_then(|&i| self.header.get(i)).cloned().or_else(|| Some(c.name().to_owned()));
        Location { file: self.file.to_owned(), line: Some(self.line), column, ..Location::default() }
    }

    /// A D10 finding about column `c` of this row.
    fn bad(&self, c: Column, id: Option<&str>, problem: String) -> EnterpriseFinding {
        let f = EnterpriseFinding::data(
            Severity::Warning,
            format!("{} line {} column {c}: {problem}", self.shown, self.line),
            self.location(c),
        );
        match id {
            Some(id) => {
                let mut f = f.enterprise(id);
                f.name = self.text(Column::Name);
                f.park_id = self.text(Column::ParkId);
                f
            }
            None => f,
        }
    }

    /// Parses column `c` with `parse`; a cell it refuses is reported and read as not reported.
    fn cell<T>(&mut self, id: &str, c: Column, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.text(c)?;
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(problem) => {
                let f = self.bad(c, Some(id), format!("{problem}; the cell is treated as not reported"));
                self.findings.push(f);
                None
            }
        }
    }

    fn entry(&mut self, id: String) -> Entry {
        let ratio = |s: &str| decimal(s, "a percentage, e.g. 104.5 (no % sign)");
        let mut e = Entry {
            line: self.line,
            name: self.text(Column::Name),
            kind: self.cell(&id, Column::Kind, kind),
            park_id: self.text(Column::ParkId),
            industry: self.text(Column::Industry),
            established_year: self.cell(&id, Column::EstablishedYear, year),
            stopped: self.cell(&id, Column::StoppedSince, stopped),
            loss_years: self.cell(&id, Column::LossYears, count),
            debt_ratio: [
                self.cell(&id, Column::DebtRatioY1, ratio),
                self.cell(&id, Column::DebtRatioY2, ratio),
                self.cell(&id, Column::DebtRatioY3, ratio),
            ],
            can_service_debt: self.cell(&id, Column::CanServiceDebt, boolean),
            restructuring_fit: self.cell(&id, Column::RestructuringFit, boolean),
            subsidy_dependent: self.cell(&id, Column::SubsidyDependent, boolean),
            energy_tce: self
                .cell(&id, Column::EnergyTce, |s| decimal(s, "tonnes of standard coal per year, e.g. 12000")),
            on_energy_platform: self.cell(&id, Column::OnEnergyPlatform, boolean),
            above_energy_quota: self.cell(&id, Column::AboveEnergyQuota, boolean),
            hazardous_chemicals: self.cell(&id, Column::HazardousChemicals, boolean),
            investment_wan: self.cell(&id, Column::InvestmentWan, |s| decimal(s, "万元, e.g. 52000")),
            approved_on: self.cell(&id, Column::ApprovedOn, |s| Day::parse_cell(s).map(|d| d.0)),
            start_deadline: self.cell(&id, Column::StartDeadline, |s| Day::parse_cell(s).map(|d| d.0)),
            started: self.cell(&id, Column::Started, boolean),
            enterprise_id: id.clone(),
            position: None,
        };
        let lon = self.cell(&id, Column::Lon, |s| degrees(s, 180.0, "longitude"));
        let lat = self.cell(&id, Column::Lat, |s| {
            degrees(s, 90.0, "latitude").map_err(|m| {
                if degrees(s, 180.0, "").is_ok() {
                    format!("{m} (are lon and lat swapped?)")
                } else {
                    m
                }
            })
        });
        e.position = match (lon, lat, self.text(Column::Lon), self.text(Column::Lat)) {
            (Some(x), Some(y), _, _) => Some(Coord { x, y }),
            (Some(_), None, _, None) | (None, Some(_), None, _) => {
                let missing = if lon.is_some() { Column::Lat } else { Column::Lon };
                let f = self.bad(
                    missing,
                    Some(&id),
                    format!("is empty while the other coordinate is given: the location cannot be checked. Fill in {missing}"),
                );
                self.findings.push(f);
                None
            }
            _ => None,
        };
        e
    }
}

/// A boolean cell: `true`/`false`, `是`/`否`, `1`/`0` (ASCII case ignored).
pub fn boolean(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "是" | "1" => Ok(true),
        "false" | "否" | "0" => Ok(false),
        _ => Err(format!("`{s}` is not a yes/no value: write true/false, 是/否 or 1/0")),
    }
}

fn kind(s: &str) -> Result<Kind, String> {
    match s.to_ascii_lowercase().as_str() {
        "enterprise" | "企业" => Ok(Kind::Enterprise),
        "project" | "项目" => Ok(Kind::Project),
        _ => Err(format!("`{s}` is not a kind: write enterprise (企业) or project (项目)")),
    }
}

fn stopped(s: &str) -> Result<Stopped, String> {
    if let Ok(false) = boolean(s) {
        return Ok(Stopped::No);
    }
    Day::parse_cell(s).map(|(d, _)| Stopped::Since(d)).map_err(|m| format!("{m}, or 否 if production has not stopped"))
}

fn year(s: &str) -> Result<i32, String> {
    s.parse::<i32>()
        .ok()
        .filter(|y| (1800..=2200).contains(y) && s.len() == 4)
        .ok_or_else(|| format!("`{s}` is not a year: write it as four digits, e.g. 2012"))
}

fn count(s: &str) -> Result<u32, String> {
    s.parse::<u32>().map_err(|_| format!("`{s}` is not a whole number of years ≥ 0, e.g. 3"))
}

/// A plain decimal ≥ 0 (optionally with an exponent, as Python writes small floats).
fn decimal(s: &str, example: &str) -> Result<Decimal, String> {
    let plain = s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && s.bytes().any(|b| b.is_ascii_digit());
    let not_number = || format!("`{s}` is not a number: write {example}, without words, units or separators");
    if !plain {
        return Err(not_number());
    }
    let v = if s.contains(['e', 'E']) { Decimal::from_scientific(s) } else { Decimal::from_str(s) }
        .map_err(|_| not_number())?;
    if v < Decimal::ZERO {
        return Err(format!("{s} is negative: check the sign"));
    }
    Ok(if v.is_zero() { Decimal::ZERO } else { v.normalize() })
}

/// A coordinate in degrees within ±`limit`.
fn degrees(s: &str, limit: f64, what: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("`{s}` is not a number of degrees: write decimal degrees, e.g. 109.3210"))?;
    if v.abs() > limit {
        return Err(format!("{s} is not a {what} (it must lie within ±{limit}°)"));
    }
    Ok(v)
}
