//! How the widget looks: its accent colour, font family, and the corner its launcher sits in.

use serde::{Deserialize, Serialize};

/// How the widget looks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    /// `#rrggbb`; text on it is black or white, whichever keeps WCAG AA contrast.
    pub accent_color: String,
    #[serde(default)]
    pub font: Font,
    #[serde(default)]
    pub launcher_position: LauncherPosition,
}

impl Default for Branding {
    fn default() -> Self {
        Self {
            accent_color: "#2563eb".into(),
            font: Font::default(),
            launcher_position: LauncherPosition::default(),
        }
    }
}

/// The widget's font family: families every device has, so nothing is downloaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Font {
    /// The platform's UI font.
    #[default]
    System,
    /// A humanist sans-serif stack.
    Sans,
    /// A serif stack.
    Serif,
    /// A rounded sans-serif stack.
    Rounded,
}

/// Which bottom corner the launcher sits in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LauncherPosition {
    #[default]
    Right,
    Left,
}
