//! Findings: what the analysis reports, each traceable to a rule and clause.

use crate::rules::Rule;
use serde::Serialize;
use std::fmt;

/// How serious a finding is (DATA.md: `violation` / `warning` / `info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy is broken.
    Violation,
    /// Needs a justification or a look.
    Warning,
    /// For the record.
    Info,
}

impl Severity {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Violation => "violation",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the input a finding points to.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Location {
    /// The file (or GDAL source) name.
    pub file: String,
    /// Zero-based feature index in the layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<usize>,
    /// One-based line (CSV tables).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column name (CSV tables).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(i) = self.feature {
            write!(f, " feature {i}")?;
        }
        if let Some(l) = self.line {
            write!(f, " line {l}")?;
        }
        if let Some(c) = &self.column {
            write!(f, " column {c}")?;
        }
        Ok(())
    }
}

/// One finding of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Rule id, e.g. `Z2`.
    pub rule: &'static str,
    /// The clause of the policy (or the data contract) behind the rule.
    pub clause: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// Park concerned, if any.
    pub park_id: Option<String>,
    /// Block concerned, if any.
    pub block_id: Option<String>,
    /// Zone concerned, if any.
    pub zone_id: Option<String>,
    /// A sentence a planner can read.
    pub message: String,
    /// The measured value, if the rule compares one.
    pub value: Option<f64>,
    /// The threshold it was compared with.
    pub threshold: Option<f64>,
    /// Where in the input, for data findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Finding {
    /// A finding of `rule` with a message; ids and numbers are added with the builder methods.
    pub fn new(rule: Rule, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.id,
            clause: rule.clause,
            severity,
            park_id: None,
            block_id: None,
            zone_id: None,
            message: message.into(),
            value: None,
            threshold: None,
            location: None,
        }
    }

    /// Sets the park id.
    pub fn park(mut self, id: impl Into<String>) -> Self {
        self.park_id = Some(id.into());
        self
    }

    /// Sets the park id when there is one.
    pub fn park_opt(mut self, id: Option<&str>) -> Self {
        self.park_id = id.map(str::to_owned);
        self
    }

    /// Sets the block id.
    pub fn block(mut self, id: impl Into<String>) -> Self {
        self.block_id = Some(id.into());
        self
    }

    /// Sets the block id when there is one.
    pub fn block_opt(mut self, id: Option<&str>) -> Self {
        self.block_id = id.map(str::to_owned);
        self
    }

    /// Sets the zone id.
    pub fn zone(mut self, id: impl Into<String>) -> Self {
        self.zone_id = Some(id.into());
        self
    }

    /// Sets the compared value and threshold.
    pub fn measured(mut self, value: f64, threshold: Option<f64>) -> Self {
        self.value = Some(value);
        self.threshold = threshold;
        self
    }

    /// Sets where in the input the finding points.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} [{}]", self.severity, self.rule, self.clause)?;
        if let Some(l) = &self.location {
            write!(f, " {l}:")?;
        }
        write!(f, " {}", self.message)
    }
}
