//! Evaluation (Annexes 1 and 2): the eleven indicators, scores, grades,
//! under-performers (E1–E13, P1, P2, T1).

use serde::{Deserialize, Serialize};

/// Evaluation thresholds and weights (`[evaluation]` in yuanqu.toml).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationConfig {}
