//! The map's symbols: colours, fills and line styles, in one place so the
//! legend and the map cannot disagree.
//!
//! Chosen to survive greyscale printing: the grade colours differ in
//! lightness as well as hue and every park symbol carries its grade letter;
//! the two zone classes differ in hatch direction and density, not only in
//! colour. Sizes are in mm and pt, converted with the configured dpi.

use super::render::{Fill, HatchDir, Line, Rgb};
use super::{MapPark, ZoneClass};

/// How a park is classed on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ParkClass {
    /// Grade A.
    A,
    /// Grade B.
    B,
    /// Grade C.
    C,
    /// Grade D.
    D,
    /// In scope, no grade (statistics missing).
    Ungraded,
    /// Out of scope (S2): logistics parks, customs zones.
    OutOfScope,
}

impl ParkClass {
    /// Every class, in legend order.
    pub const ALL: [ParkClass; 6] =
        [ParkClass::A, ParkClass::B, ParkClass::C, ParkClass::D, ParkClass::Ungraded, ParkClass::OutOfScope];

    /// The class of a park.
    pub fn of(p: &MapPark) -> ParkClass {
        if !p.in_scope {
            return ParkClass::OutOfScope;
        }
        match p.grade.map(|g| g.to_ascii_uppercase()) {
            Some('A') => ParkClass::A,
            Some('B') => ParkClass::B,
            Some('C') => ParkClass::C,
            Some('D') => ParkClass::D,
            _ => ParkClass::Ungraded,
        }
    }

    /// Fill colour. Greyscale lightness: A 67, D 97, B 153, C 223 (of 255).
    pub fn color(self) -> Rgb {
        match self {
            ParkClass::A => Rgb(0, 104, 55),
            ParkClass::B => Rgb(102, 189, 99),
            ParkClass::C => Rgb(254, 224, 139),
            ParkClass::D => Rgb(215, 48, 39),
            ParkClass::Ungraded => Rgb(255, 255, 255),
            ParkClass::OutOfScope => Rgb(189, 189, 189),
        }
    }

    /// The mark inside a park symbol.
    pub fn letter(self) -> &'static str {
        match self {
            ParkClass::A => "A",
            ParkClass::B => "B",
            ParkClass::C => "C",
            ParkClass::D => "D",
            ParkClass::Ungraded => "–",
            ParkClass::OutOfScope => "外",
        }
    }

    /// Colour of the mark: white on dark fills.
    pub fn letter_color(self) -> Rgb {
        match self {
            ParkClass::A | ParkClass::D => Rgb(255, 255, 255),
            _ => Rgb(20, 20, 20),
        }
    }

    /// Legend text.
    pub fn legend(self) -> &'static str {
        match self {
            ParkClass::A => "A 级园区",
            ParkClass::B => "B 级园区",
            ParkClass::C => "C 级园区",
            ParkClass::D => "D 级园区",
            ParkClass::Ungraded => "未评级（统计数据不足）",
            ParkClass::OutOfScope => "不参评（物流园区、保税区等，S2）",
        }
    }

    /// Short name, e.g. for sheets: `A 级`.
    pub fn short(self) -> &'static str {
        match self {
            ParkClass::A => "A 级",
            ParkClass::B => "B 级",
            ParkClass::C => "C 级",
            ParkClass::D => "D 级",
            ParkClass::Ungraded => "未评级",
            ParkClass::OutOfScope => "不参评",
        }
    }

    /// Key of its legend swatch.
    pub fn key(self) -> &'static str {
        match self {
            ParkClass::A => "grade-a",
            ParkClass::B => "grade-b",
            ParkClass::C => "grade-c",
            ParkClass::D => "grade-d",
            ParkClass::Ungraded => "ungraded",
            ParkClass::OutOfScope => "out-of-scope",
        }
    }
}

/// Converts mm and pt to px.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    /// px per mm.
    pub mm: f64,
    /// px per pt.
    pub pt: f64,
}

impl Scale {
    /// At `dpi`.
    pub fn at(dpi: f64) -> Scale {
        Scale { mm: dpi / 25.4, pt: dpi / 72.0 }
    }

    /// Background of a zone class, drawn under the parks.
    pub fn zone_ground(&self, class: ZoneClass) -> Fill {
        match self.zone_fill(class) {
            Fill::Hatch { bg: Some(bg), .. } => Fill::Solid(bg),
            f => f,
        }
    }

    /// Hatching of a zone class alone, drawn over the parks so that a park's
    /// overlap with a zone shows (the point of Z1/Z2).
    pub fn zone_hatch(&self, class: ZoneClass) -> Fill {
        match self.zone_fill(class) {
            Fill::Hatch { ink, spacing, width, dir, .. } => Fill::Hatch { bg: None, ink, spacing, width, dir },
            f => f,
        }
    }

    /// Fill of a zone class (ground and hatching), as in the legend.
    pub fn zone_fill(&self, class: ZoneClass) -> Fill {
        match class {
            ZoneClass::Prohibited => Fill::Hatch {
                bg: Some(Rgb(248, 208, 204)),
                ink: Rgb(178, 34, 34),
                spacing: 1.4 * self.mm,
                width: 0.28 * self.mm,
                dir: HatchDir::Falling,
            },
            ZoneClass::Restricted => Fill::Hatch {
                bg: Some(Rgb(253, 241, 200)),
                ink: Rgb(196, 140, 20),
                spacing: 2.4 * self.mm,
                width: 0.22 * self.mm,
                dir: HatchDir::Rising,
            },
        }
    }

    /// Outline of a zone.
    pub fn zone_line(&self, class: ZoneClass) -> Line {
        match class {
            ZoneClass::Prohibited => Line::solid(Rgb(178, 34, 34), 0.35 * self.pt),
            ZoneClass::Restricted => Line::solid(Rgb(196, 140, 20), 0.35 * self.pt),
        }
    }

    /// Outline of every park.
    pub fn park_line(&self) -> Line {
        Line::solid(Rgb(38, 38, 38), 0.6 * self.pt)
    }

    /// Outline marking an under-performing park (E12).
    pub fn underperforming_line(&self) -> Line {
        Line::solid(Rgb(123, 31, 162), 1.8 * self.pt)
    }

    /// Outline marking a park over its county's quota (L1/L2).
    pub fn surplus_line(&self) -> Line {
        Line { color: Rgb(0, 0, 0), width: 1.2 * self.pt, dash: vec![1.2 * self.mm, 0.8 * self.mm] }
    }

    /// County boundary.
    pub fn county_line(&self) -> Line {
        Line::solid(Rgb(150, 150, 150), 0.4 * self.pt)
    }

    /// League boundary.
    pub fn league_line(&self) -> Line {
        Line::solid(Rgb(80, 80, 80), 1.1 * self.pt)
    }

    /// Graticule.
    pub fn graticule_line(&self) -> Line {
        Line::solid(Rgb(205, 205, 205), 0.3 * self.pt)
    }

    /// Merge arrows and the closest-points line.
    pub fn merge_line(&self) -> Line {
        Line::solid(MERGE, 1.4 * self.pt)
    }

    /// Outline of the park that merges, on a sheet.
    pub fn source_line(&self) -> Line {
        Line { color: SOURCE, width: 2.2 * self.pt, dash: vec![2.0 * self.mm, 1.0 * self.mm] }
    }

    /// Outline of the receiving park, on a sheet.
    pub fn receiver_line(&self) -> Line {
        Line::solid(MERGE, 2.2 * self.pt)
    }

    /// Outline of a proposed park under review, on its sheet.
    pub fn proposal_line(&self) -> Line {
        Line { color: PROPOSED, width: 2.2 * self.pt, dash: vec![3.0 * self.mm, 0.8 * self.mm] }
    }

    /// A proposed block's overlap with a zone of `class`: solid, in the
    /// class's ink, so it stands out of the zone's hatching.
    pub fn conflict_fill(&self, class: ZoneClass) -> Fill {
        match self.zone_fill(class) {
            Fill::Hatch { ink, .. } => Fill::Solid(ink),
            f => f,
        }
    }
}

/// Merge arrows, receivers.
pub(crate) const MERGE: Rgb = Rgb(31, 78, 156);
/// The park that merges, on a sheet.
pub(crate) const SOURCE: Rgb = Rgb(194, 24, 91);
/// A proposed park under review, on its sheet.
pub(crate) const PROPOSED: Rgb = Rgb(0, 121, 107);
/// Outside the mapped leagues.
pub(crate) const OUTSIDE: Rgb = Rgb(238, 238, 238);
/// Text.
pub(crate) const INK: Rgb = Rgb(25, 25, 25);
/// Secondary text.
pub(crate) const GREY_TEXT: Rgb = Rgb(100, 100, 100);
/// Place names.
pub(crate) const PLACE_TEXT: Rgb = Rgb(120, 120, 120);
