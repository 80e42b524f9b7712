//! `stats.csv`: the statistics of the year, one row per block or per park.
//!
//! Why a reader of its own: the table is typed in by people, county by county,
//! and it is where Excel habits show up (`约3200`, `N/A`, a minus sign, a
//! GBK export). A bad cell must not stop the run nor become a zero: it is
//! reported (D6, with line and column), treated as not reported, and the rest
//! of the row and of the table is used. Only a file that cannot be read as a
//! table at all (no `park_id` column, not UTF-8) is an error.
//!
//! Values are kept as [`Decimal`]: money is added up exactly, never in binary
//! floating point.

use crate::findings::{Finding, Location, Severity};
use crate::rules::D6;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A value column of `stats.csv` (DATA.md), all additive over a park's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatColumn {
    /// `industrial_output_wan`: industrial gross output value (工业总产值), 万元.
    IndustrialOutput,
    /// `fixed_asset_investment_wan`: industrial fixed-asset investment of the year, 万元.
    FixedAssetInvestment,
    /// `tax_wan`: total tax (税收总额), 万元.
    Tax,
    /// `industrial_value_added_wan`: industrial value added (工业增加值), 万元.
    IndustrialValueAdded,
    /// `energy_tce`: energy use (综合能耗), tonnes of standard coal.
    Energy,
    /// `water_m3`: water use, m³.
    Water,
    /// `pollutant_t`: main pollutant emissions, t.
    Pollutant,
    /// `rnd_wan`: R&D expenditure (研发经费), 万元.
    Rnd,
    /// `main_revenue_wan`: main business revenue (主营业务收入), 万元.
    MainRevenue,
    /// `invention_patents`: invention patents granted in the year, a count.
    InventionPatents,
    /// `leading_output_wan`: output of the leading industries (主导产业产值), 万元 (P2).
    LeadingOutput,
}

impl StatColumn {
    /// Number of value columns.
    pub const COUNT: usize = 11;

    /// All value columns, in the order of DATA.md.
    pub const ALL: [StatColumn; StatColumn::COUNT] = [
        StatColumn::IndustrialOutput,
        StatColumn::FixedAssetInvestment,
        StatColumn::Tax,
        StatColumn::IndustrialValueAdded,
        StatColumn::Energy,
        StatColumn::Water,
        StatColumn::Pollutant,
        StatColumn::Rnd,
        StatColumn::MainRevenue,
        StatColumn::InventionPatents,
        StatColumn::LeadingOutput,
    ];

    /// The canonical column name (DATA.md).
    pub fn name(self) -> &'static str {
        match self {
            StatColumn::IndustrialOutput => "industrial_output_wan",
            StatColumn::FixedAssetInvestment => "fixed_asset_investment_wan",
            StatColumn::Tax => "tax_wan",
            StatColumn::IndustrialValueAdded => "industrial_value_added_wan",
            StatColumn::Energy => "energy_tce",
            StatColumn::Water => "water_m3",
            StatColumn::Pollutant => "pollutant_t",
            StatColumn::Rnd => "rnd_wan",
            StatColumn::MainRevenue => "main_revenue_wan",
            StatColumn::InventionPatents => "invention_patents",
            StatColumn::LeadingOutput => "leading_output_wan",
        }
    }

    /// The unit, as a planner writes it.
    pub fn unit(self) -> &'static str {
        match self {
            StatColumn::Energy => "tce",
            StatColumn::Water => "m³",
            StatColumn::Pollutant => "t",
            StatColumn::InventionPatents => "patents",
            _ => "万元",
        }
    }

    /// Position in [`StatColumn::ALL`] and in [`StatsRow::values`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The column with canonical name `name`.
    pub fn by_name(name: &str) -> Option<StatColumn> {
        StatColumn::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Canonical names of the key columns.
const PARK_ID: &str = "park_id";
const BLOCK_ID: &str = "block_id";
const YEAR: &str = "year";

/// One usable row of `stats.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsRow {
    /// One-based line of the row in the file (the header is line 1).
    pub line: usize,
    /// Park id (never empty).
    pub park_id: String,
    /// Block id; `None` for a park-level row.
    pub block_id: Option<String>,
    /// Statistics year, if the file has a `year` column and the cell is a year.
    pub year: Option<i32>,
    /// The values, indexed by [`StatColumn::index`]; `None` = not reported
    /// (empty, unusable, or no such column in the file).
    pub values: [Option<Decimal>; StatColumn::COUNT],
}

/// The last component of a path, for messages.
fn file_name(file: &str) -> &str {
    Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or(file)
}

impl StatsRow {
    /// The value of `column`, `None` if not reported.
    pub fn get(&self, column: StatColumn) -> Option<Decimal> {
        self.values[column.index()]
    }
}

/// The statistics table after reading: usable rows in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatsTable {
    /// The file, as named in findings.
    pub file: String,
    /// The rows, in file order; rows without a `park_id` and repeated rows
    /// are left out (each with a D6 finding).
    pub rows: Vec<StatsRow>,
    /// Value columns the file does not have at all.
    pub missing_columns: BTreeSet<StatColumn>,
}

impl StatsTable {
    /// The file's name without its folder, as messages name it.
    pub fn file_name(&self) -> &str {
        file_name(&self.file)
    }
}

/// A statistics file that cannot be used as a table at all.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl fmt::Display for StatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\nhint: {}", self.file, self.message, self.hint)
    }
}

impl std::error::Error for StatsError {}

/// Reads `path` (UTF-8, with or without BOM). `rename` maps canonical column
/// names to the names in the file (`[fields.stats]` of yuanqu.toml).
///
/// Returns the table and the D6 findings for cells and rows that could not
/// be used; a [`StatsError`] only when the file cannot be read as a table.
pub fn read_stats(path: &Path, rename: &BTreeMap<String, String>) -> Result<(StatsTable, Vec<Finding>), StatsError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| StatsError {
        file: file.clone(),
        message: format!("cannot be read: {e}"),
        hint: "check the path; stats.csv is looked for in the layers folder".into(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| StatsError {
        file: file.clone(),
        message: format!("is not UTF-8 text (first bad byte at offset {})", e.utf8_error().valid_up_to()),
        hint: "a table saved by Excel as GBK/GB18030 must be saved again as \"CSV UTF-8\"".into(),
    })?;
    parse_stats(&text, &file, rename)
}

/// Parses the text of a statistics table; `file` names it in findings and
/// errors. See [`read_stats`].
pub fn parse_stats(
    text: &str,
    file: &str,
    rename: &BTreeMap<String, String>,
) -> Result<(StatsTable, Vec<Finding>), StatsError> {
    let err = |message: String, hint: String| StatsError { file: file.to_owned(), message, hint };
    // Messages name the file as a planner knows it; the full path is in the Location.
    let shown = file_name(file);
    let canonical: Vec<&str> =
        [PARK_ID, BLOCK_ID, YEAR].into_iter().chain(StatColumn::ALL.iter().map(|c| c.name())).collect();
    if let Some(unknown) = rename.keys().find(|k| !canonical.contains(&k.as_str())) {
        return Err(err(
            format!("[fields.stats] renames `{unknown}`, which is not a column of stats.csv"),
            format!("the columns that can be renamed are: {}", canonical.join(", ")),
        ));
    }
    let name_in_file = |canon: &str| rename.get(canon).map(String::as_str).unwrap_or(canon).to_owned();

    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(format!("the header row cannot be read: {e}"), "the first line must name the columns".into()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(err(
            "is empty: there is no header row".into(),
            format!("the first line must name the columns: {}", canonical.join(",")),
        ));
    }

    // Where each canonical column is; a column needed twice is ambiguous.
    let find = |canon: &str| -> Result<Option<usize>, StatsError> {
        let want = name_in_file(canon);
        let at: Vec<usize> = header.iter().enumerate().filter(|(_, h)| **h == want).map(|(i, _)| i).collect();
        match at.as_slice() {
            [] => Ok(None),
            [i] => Ok(Some(*i)),
            [i, j, ..] => Err(err(
                format!("column `{want}` appears more than once (columns {} and {})", i + 1, j + 1),
                "keep one column of that name".into(),
            )),
        }
    };
    let park_col = find(PARK_ID)?.ok_or_else(|| {
        let want = name_in_file(PARK_ID);
        err(
            format!("has no `{want}` column (columns found: {})", header.join(", ")),
            if rename.contains_key(PARK_ID) {
                format!("[fields.stats] park_id = \"{want}\" names a column the file does not have")
            } else {
                "name the park id column `park_id`, or map it in yuanqu.toml: [fields.stats] park_id = \"YOUR_NAME\""
                    .into()
            },
        )
    })?;
    let block_col = find(BLOCK_ID)?;
    let year_col = find(YEAR)?;
    let mut value_cols = [None; StatColumn::COUNT];
    for c in StatColumn::ALL {
        value_cols[c.index()] = find(c.name())?;
    }

    let mut findings = Vec::new();
    let mut table = StatsTable { file: file.to_owned(), ..StatsTable::default() };
    for c in StatColumn::ALL {
        if value_cols[c.index()].is_none() {
            table.missing_columns.insert(c);
            let want = name_in_file(c.name());
            findings.push(
                Finding::new(
                    D6,
                    Severity::Warning,
                    format!(
                        "{shown} has no `{want}` column: {} is not reported for any park, and the indicators that \
                         need it cannot be computed. Add the column (empty cells are fine){}",
                        c.name(),
                        if rename.contains_key(c.name()) { ", or correct [fields.stats] in yuanqu.toml" } else { "" }
                    ),
                )
                .at(Location { file: file.to_owned(), line: Some(1), ..Location::default() }),
            );
        }
    }

    let mut seen: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    let mut years = BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            err(format!("cannot be read as CSV: {e}"), "save the table again as CSV (comma-separated, UTF-8)".into())
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let at = |col: usize| Location {
            file: file.to_owned(),
            line: Some(line),
            column: header.get(col).cloned(),
            ..Location::default()
        };
        let cell = |col: Option<usize>| col.and_then(|i| record.get(i)).map(str::trim).filter(|s| !s.is_empty());

        let Some(park_id) = cell(Some(park_col)) else {
            findings.push(
                Finding::new(
                    D6,
                    Severity::Warning,
                    format!(
                        "{shown} line {line} has no {}: the row is not used. Fill in the park id of the row",
                        name_in_file(PARK_ID)
                    ),
                )
                .at(at(park_col)),
            );
            continue;
        };
        let park_id = park_id.to_owned();
        let block_id = cell(block_col).map(str::to_owned);
        let row_finding = |sev: Severity, message: String| {
            Finding::new(D6, sev, message).park(park_id.clone()).block_opt(block_id.as_deref())
        };

        if record.len() != header.len() {
            let what = if record.len() < header.len() {
                "the missing cells are treated as not reported"
            } else {
                "the extra cells are ignored"
            };
            findings.push(
                row_finding(
                    Severity::Warning,
                    format!(
                        "{shown} line {line} has {} cells but the header has {}: {what}. Check for a missing or \
                         extra comma on that line",
                        record.len(),
                        header.len()
                    ),
                )
                .at(Location { file: file.to_owned(), line: Some(line), ..Location::default() }),
            );
        }

        let key = (park_id.clone(), block_id.clone());
        if let Some(first) = seen.get(&key) {
            let whose = match &block_id {
                Some(b) => format!("block {b}"),
                None => format!("park {park_id} (park-level row)"),
            };
            findings.push(
                row_finding(
                    Severity::Warning,
                    format!(
                        "{shown} line {line} repeats the row of {whose} from line {first}: it is not counted, \
                         since a park's figures are the sum of its rows and a row counted twice would double them. \
                         Delete one of the two rows, or add them up into one"
                    ),
                )
                .at(Location { file: file.to_owned(), line: Some(line), ..Location::default() }),
            );
            continue;
        }
        seen.insert(key, line);

        let year = match cell(year_col) {
            None => None,
            Some(y) => match y.parse::<i32>() {
                Ok(v) => {
                    years.insert(v);
                    Some(v)
                }
                Err(_) => {
                    findings.push(
                        row_finding(
                            Severity::Warning,
                            format!("`{y}` is not a year: write the statistics year as four digits, e.g. 2023"),
                        )
                        .at(at(year_col.unwrap_or(park_col))),
                    );
                    None
                }
            },
        };

        let mut values = [None; StatColumn::COUNT];
        for c in StatColumn::ALL {
            let Some(col) = value_cols[c.index()] else {
                continue;
            };
            let Some(raw) = cell(Some(col)) else { continue };
            match parse_value(raw, c) {
                Ok(v) => values[c.index()] = Some(v),
                Err(problem) => {
                    let name = header.get(col).map_or(c.name(), String::as_str);
                    findings.push(
                        row_finding(
                            Severity::Warning,
                            format!(
                                "{shown} line {line} column {name}: {}; the cell is treated as not reported. {}",
                                problem.what(raw),
                                problem.todo(c)
                            ),
                        )
                        .at(at(col)),
                    );
                }
            }
        }
        table.rows.push(StatsRow { line, park_id, block_id, year, values });
    }

    if years.len() > 1 {
        let list: Vec<String> = years.iter().map(i32::to_string).collect();
        findings.push(
            Finding::new(
                D6,
                Severity::Warning,
                format!(
                    "{shown} holds rows of several years ({}): all rows are summed as if of one year. Keep one \
                     statistics year per file",
                    list.join(", ")
                ),
            )
            .at(Location { file: file.to_owned(), ..Location::default() }),
        );
    }
    Ok((table, findings))
}

/// Why a cell could not be used.
#[derive(Debug, PartialEq)]
enum CellProblem {
    NotANumber,
    Negative,
    NotWhole,
}

impl CellProblem {
    fn what(&self, raw: &str) -> String {
        match self {
            CellProblem::NotANumber => format!("`{raw}` is not a number"),
            CellProblem::Negative => format!("{raw} is negative"),
            CellProblem::NotWhole => format!("{raw} is not a whole number"),
        }
    }

    fn todo(&self, c: StatColumn) -> String {
        match self {
            CellProblem::NotANumber => format!(
                "Write a plain number in {} without words, units or thousands separators (e.g. 3200), or leave \
                 the cell empty if the figure is not known",
                c.unit()
            ),
            CellProblem::Negative => {
                "Statistics of the year are never negative: check the sign, or leave the cell empty".into()
            }
            CellProblem::NotWhole => "Patents are counted: write a whole number".into(),
        }
    }
}

/// A plain decimal number, optionally with an exponent (`1e-05`, as Python
/// writes small floats). No thousands separators, units or words.
fn parse_value(raw: &str, column: StatColumn) -> Result<Decimal, CellProblem> {
    let plain = raw.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && raw.bytes().any(|b| b.is_ascii_digit());
    if !plain {
        return Err(CellProblem::NotANumber);
    }
    let v = if raw.contains(['e', 'E']) { Decimal::from_scientific(raw) } else { Decimal::from_str(raw) }
        .map_err(|_| CellProblem::NotANumber)?;
    if v < Decimal::ZERO {
        return Err(CellProblem::Negative);
    }
    if column == StatColumn::InventionPatents && !v.is_integer() {
        return Err(CellProblem::NotWhole);
    }
    // "-0" is zero; keep no negative zero around.
    Ok(if v.is_zero() { Decimal::ZERO } else { v.normalize() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("a decimal literal")
    }

    const HEADER: &str = "park_id,block_id,year,industrial_output_wan,fixed_asset_investment_wan,tax_wan,\
industrial_value_added_wan,energy_tce,water_m3,pollutant_t,rnd_wan,main_revenue_wan,invention_patents,\
leading_output_wan";

    fn parse(text: &str) -> (StatsTable, Vec<Finding>) {
        parse_stats(text, "stats.csv", &BTreeMap::new()).expect("a usable table")
    }

    #[test]
    fn bom_is_stripped_and_park_id_found() {
        let text = format!("\u{feff}{HEADER}\nP1,P1-1,2023,100,,,,,,,,,,\n");
        let (t, f) = parse(&text);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].park_id, "P1");
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[0].get(StatColumn::IndustrialOutput), Some(d("100")));
        assert_eq!(t.rows[0].year, Some(2023));
    }

    #[test]
    fn empty_cell_is_not_reported_never_zero() {
        let (t, _) = parse(&format!("{HEADER}\nP1,P1-1,2023,100,0,,,,,,,,,\n"));
        assert_eq!(t.rows[0].get(StatColumn::FixedAssetInvestment), Some(Decimal::ZERO));
        assert_eq!(t.rows[0].get(StatColumn::Tax), None);
    }

    #[test]
    fn words_in_cells_are_reported_with_line_and_column_and_the_rest_is_kept() {
        // The case of gen_layers.py --bad: 约3200 in industrial_output_wan, N/A in tax_wan, last row.
        let text = format!("{HEADER}\nP1,P1-1,2023,10,20,1,,,,,,,,\nP1,P1-2,2023,约3200,55.5,N/A,,,,,,,,\n");
        let (t, f) = parse(&text);
        assert_eq!(t.rows.len(), 2, "the row stays");
        let r = &t.rows[1];
        assert_eq!(r.get(StatColumn::IndustrialOutput), None);
        assert_eq!(r.get(StatColumn::Tax), None);
        assert_eq!(r.get(StatColumn::FixedAssetInvestment), Some(d("55.5")), "the rest of the row is used");
        assert_eq!(f.len(), 2, "{f:#?}");
        for (finding, column, raw) in [(&f[0], "industrial_output_wan", "约3200"), (&f[1], "tax_wan", "N/A")] {
            assert_eq!(finding.rule, "D6");
            assert_eq!(finding.park_id.as_deref(), Some("P1"));
            assert_eq!(finding.block_id.as_deref(), Some("P1-2"));
            let loc = finding.location.as_ref().expect("a location");
            assert_eq!((loc.file.as_str(), loc.line, loc.column.as_deref()), ("stats.csv", Some(3), Some(column)));
            assert!(finding.message.contains(raw) && finding.message.contains("not reported"), "{}", finding.message);
            assert!(finding.message.contains("Write a plain number"), "says what to do: {}", finding.message);
        }
    }

    #[test]
    fn a_negative_value_is_reported_and_dropped() {
        let (t, f) = parse(&format!("{HEADER}\nP1,,2023,100,-5,,,,,,,,,\n"));
        assert_eq!(t.rows[0].get(StatColumn::FixedAssetInvestment), None);
        assert_eq!(t.rows[0].get(StatColumn::IndustrialOutput), Some(d("100")));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("-5 is negative"), "{}", f[0].message);
        assert_eq!(f[0].location.as_ref().and_then(|l| l.column.as_deref()), Some("fixed_asset_investment_wan"));
        assert_eq!(f[0].block_id, None, "a park-level row");
    }

    #[test]
    fn minus_zero_exponents_and_fractional_patents() {
        let (t, f) = parse(&format!("{HEADER}\nP1,,2023,-0,1e-05,2.50,,,,,,,2.5,\n"));
        let r = &t.rows[0];
        assert_eq!(r.get(StatColumn::IndustrialOutput), Some(Decimal::ZERO));
        assert_eq!(r.get(StatColumn::FixedAssetInvestment), Some(d("0.00001")));
        assert_eq!(r.get(StatColumn::Tax), Some(d("2.5")));
        assert_eq!(r.get(StatColumn::InventionPatents), None);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("not a whole number"));
    }

    #[test]
    fn underscores_and_separators_are_not_numbers() {
        for raw in ["1_000", "\"1,000\"", "3200万元", "inf", "NaN", "-", "."] {
            let (t, f) = parse(&format!("{HEADER}\nP1,,2023,{raw},,,,,,,,,,\n"));
            assert_eq!(t.rows[0].get(StatColumn::IndustrialOutput), None, "{raw}");
            assert_eq!(f.len(), 1, "{raw}: {f:?}");
        }
    }

    #[test]
    fn renamed_columns_are_found_and_missing_ones_reported() {
        let rename: BTreeMap<String, String> =
            [("park_id", "YQDM"), ("industrial_output_wan", "GYZCZ")].map(|(a, b)| (a.into(), b.into())).into();
        let (t, f) = parse_stats("YQDM,block_id,GYZCZ\nP9,,12.5\n", "s.csv", &rename).expect("usable");
        assert_eq!(t.rows[0].park_id, "P9");
        assert_eq!(t.rows[0].get(StatColumn::IndustrialOutput), Some(d("12.5")));
        assert_eq!(t.missing_columns.len(), 10);
        assert_eq!(f.len(), 10, "one finding per missing value column");
        assert!(!t.missing_columns.contains(&StatColumn::IndustrialOutput));
    }

    #[test]
    fn no_park_id_column_is_a_file_error_with_a_hint() {
        let e = parse_stats("id,block_id\nP1,\n", "x/stats.csv", &BTreeMap::new()).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("x/stats.csv") && s.contains("park_id") && s.contains("hint:"), "{s}");
        let renamed: BTreeMap<String, String> = [("park_id".to_owned(), "YQDM".to_owned())].into();
        let e = parse_stats("id,block_id\nP1,\n", "s.csv", &renamed).unwrap_err();
        assert!(e.to_string().contains("YQDM"), "{e}");
    }

    #[test]
    fn a_misspelt_rename_key_is_an_error() {
        let rename: BTreeMap<String, String> = [("industrial_outptu_wan".to_owned(), "X".to_owned())].into();
        let e = parse_stats(&format!("{HEADER}\n"), "s.csv", &rename).unwrap_err();
        assert!(e.message.contains("industrial_outptu_wan"), "{e}");
    }

    #[test]
    fn empty_file_and_duplicate_column_are_errors() {
        assert!(parse_stats("", "s.csv", &BTreeMap::new()).is_err());
        assert!(parse_stats("park_id,tax_wan,tax_wan\nP1,1,2\n", "s.csv", &BTreeMap::new()).is_err());
    }

    #[test]
    fn repeated_rows_and_rows_without_park_are_left_out() {
        let text = format!("{HEADER}\nP1,P1-1,2023,1,,,,,,,,,,\n,P1-2,2023,1,,,,,,,,,,\nP1,P1-1,2023,9,,,,,,,,,,\n");
        let (t, f) = parse(&text);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].get(StatColumn::IndustrialOutput), Some(d("1")), "the first row is kept");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.as_ref().and_then(|l| l.line), Some(3));
        assert!(f[1].message.contains("line 4 repeats") && f[1].message.contains("line 2"), "{}", f[1].message);
    }

    #[test]
    fn short_rows_and_mixed_years_are_reported() {
        let (t, f) = parse(&format!("{HEADER}\nP1,P1-1,2023,5\nP2,,2022,1,,,,,,,,,,\n"));
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].get(StatColumn::IndustrialOutput), Some(d("5")));
        assert_eq!(t.rows[0].get(StatColumn::Tax), None);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(f[0].message.contains("4 cells but the header has 14"), "{}", f[0].message);
        assert!(f[1].message.contains("2022, 2023"), "{}", f[1].message);
    }

    #[test]
    fn quoted_multiline_cells_keep_line_numbers_right() {
        let text = "park_id,block_id,tax_wan\nP1,\"P1\n-1\",1\nP2,,x\n";
        let (_, f) = parse_stats(text, "s.csv", &BTreeMap::new()).expect("usable");
        let bad: Vec<_> = f.iter().filter(|f| f.park_id.as_deref() == Some("P2")).collect();
        assert_eq!(bad[0].location.as_ref().and_then(|l| l.line), Some(4));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            let _ = parse_stats(&text, "s.csv", &BTreeMap::new());
        }

        #[test]
        fn csv_shaped_text_never_panics(body in "[A-Z0-9_,\"\n\r .eE+\\-约N/A\u{feff}]{0,300}") {
            let text = format!("park_id,block_id,year,tax_wan,invention_patents\n{body}");
            let (t, _) = parse_stats(&text, "s.csv", &BTreeMap::new()).expect("the header is fine");
            for r in &t.rows {
                proptest::prop_assert!(!r.park_id.is_empty());
                proptest::prop_assert!(r.values.iter().flatten().all(|v| *v >= Decimal::ZERO));
            }
        }
    }
}
